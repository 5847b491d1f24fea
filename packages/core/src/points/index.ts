// @meridian/core/points: the fee points service's wire types, its port and HTTP client. The service (apps/points)
// imports the wire schemas from here.
export * from "./wire";
export * from "./bearer";
export * from "./port";
export * from "./httpPointsService";
