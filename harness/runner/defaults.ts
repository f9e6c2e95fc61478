/** Steady traffic through a scenario's routes during a run, requests per second: light enough for kind, dense enough to time an outage. */
export const DEFAULT_TRAFFIC_RATE = 20;
