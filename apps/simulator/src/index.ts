export { type Fleet, type FleetOptions, startFleet } from './fleet';
export { type FleetStats, statusLine } from './stats';
export { AgentHostModel } from './agent-messages';
export { lightdBodies, containerInternalId } from './lightd-messages';
