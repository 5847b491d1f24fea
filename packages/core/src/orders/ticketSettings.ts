// What the order ticket estimates with, from the configuration the server charges with: a ticket that priced with a
// constant of its own would show one commission and charge another once COMMISSION_RATE changes.
import type { CoreServices } from "../services";
import { MARKET_BUY_COLLAR } from "../shared/fees";

export interface TicketSettings {
  /** COMMISSION_RATE: the fraction of each fill's notional charged as commission, e.g. "0.001". */
  commissionRate: string;
  /** The extra fraction of the ask a market buy holds until it fills, e.g. "0.05". */
  marketBuyCollar: string;
}

export function ticketSettings(services: Pick<CoreServices, "config">): TicketSettings {
  return { commissionRate: services.config.fees.commissionRate, marketBuyCollar: MARKET_BUY_COLLAR.toString() };
}
