import type { Metadata } from "next";
import { AccountDetail } from "@/features/admin/account-detail";
import { trpc } from "@/trpc/server";
import { recordPage } from "../../prefetch";

export const metadata: Metadata = { title: "Account" };

export default recordPage(
  (accountId) => <AccountDetail accountId={accountId} />,
  (accountId) => trpc.admin.accounts.detail.queryOptions({ accountId }),
);
