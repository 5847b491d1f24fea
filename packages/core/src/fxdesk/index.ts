// @meridian/core/fxdesk: the FX desk port, its HTTP adapter, the wire types and the conversion rounding. The
// simulator imports the wire schemas and the rounding from here.
export * from "./port";
export * from "./wire";
export * from "./rounding";
export * from "./httpFxDesk";
export { Decimal } from "../shared/money";
