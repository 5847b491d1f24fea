import type { Metadata } from "next";
import { OrderDetail } from "@/features/admin/order-detail";
import { trpc } from "@/trpc/server";
import { recordPage } from "../../prefetch";

export const metadata: Metadata = { title: "Order" };

export default recordPage(
  (orderId) => <OrderDetail orderId={orderId} />,
  (orderId) => trpc.admin.orders.detail.queryOptions({ orderId }),
);
