/** Where and how agents speak to a hub. */
export const PROTOCOL_VERSION = 1;
/** The hub's WebSocket path. */
export const INGEST_PATH = '/ingest';
/** WebSocket subprotocol naming the message version (an old hub refuses a newer agent at once). */
export const SUBPROTOCOL = `shakewatch.v${PROTOCOL_VERSION}`;
/** The agent names itself at the upgrade too, so a token bound to other ids is refused before any WebSocket exists. */
export const AGENT_ID_HEADER = 'shakewatch-agent-id';
