/**
 * Zeek's `likely_server_ports` is filled by whichever protocol scripts are loaded; this is
 * the set a default Zeek install ends up with for TCP, plus every port below 1024. Used
 * only to guess the client of a connection whose SYN was not captured.
 */
const WELL_KNOWN_HIGH_PORTS = new Set([
  1080, 1433, 1521, 1883, 2049, 2375, 2376, 3128, 3306, 3389, 4222, 5060, 5061, 5222, 5269, 5432, 5671, 5672,
  5900, 6379, 6443, 6667, 6697, 8000, 8008, 8080, 8081, 8443, 8883, 8888, 9000, 9092, 9200, 9300, 9418, 11211, 27017,
]);

export function isLikelyServerPort(port: number): boolean {
  return port < 1024 || WELL_KNOWN_HIGH_PORTS.has(port);
}
