// @meridian/core/broker: the broker port and the HTTP adapter. Kept free of Prisma and other heavy imports, since the
// broker simulator imports the signature helper and the wire types from here.
export * from "./port";
export * from "./wire";
export * from "./webhookSignature";
export * from "./httpBroker";
export * from "./registry";
export * from "./callLog";
export * from "./simulatorControl";
export * from "./partnerHttp";
