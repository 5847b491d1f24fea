-- Every trade the broker made is booked, even one the account cannot cover: the shortfall is a debit the account owes,
-- shown to the customer and the operators, never a negative balance. available + held − debit equals the sum of the
-- account's ledger entries in that currency (shares: free + held − debit_quantity, in that symbol); the debit itself
-- equals the sum of its own entries, asset '<currency or symbol>:DEBIT' (kinds DEBIT and DEBIT_REPAID).

-- AlterTable
ALTER TABLE "cash_balances" ADD COLUMN "debit" DECIMAL(20,4) NOT NULL DEFAULT 0,
ADD CONSTRAINT "cash_balances_debit_check" CHECK ("debit" >= 0);

-- AlterTable
ALTER TABLE "holdings" ADD COLUMN "debit_quantity" DECIMAL(20,6) NOT NULL DEFAULT 0,
ADD CONSTRAINT "holdings_debit_quantity_check" CHECK ("debit_quantity" >= 0);

-- AlterTable: room for a debit's asset name beside the longest symbol ('<symbol>:DEBIT'); widening a varchar rewrites nothing.
ALTER TABLE "ledger_entries" ALTER COLUMN "asset" SET DATA TYPE VARCHAR(24);

-- AlterTable: the unit price a market buy holds cash at (ask plus the collar); the broker gets it as the limit, so no
-- fill can cost more than the hold. Null for limit orders (their limit is the protection) and for sells.
ALTER TABLE "orders" ADD COLUMN "protection_price" DECIMAL(20,4);
