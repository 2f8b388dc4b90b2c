import { Injectable } from '@nestjs/common';

/** The hub's id (welcome messages) and whether it still serves (readyz): known once listening. */
@Injectable()
export class HubIdentity {
  id = 'starting';
  shuttingDown = false;
}
