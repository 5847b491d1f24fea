import type { ReactNode } from "react";
import { Banner } from "./banner";

/**
 * Above an operator queue: what the last decision did, and the error of a decision whose row has since left the queue
 * (settled elsewhere), which would otherwise vanish with its form.
 */
export function OutcomeBanners({
  success,
  successTestId,
  onDismissSuccess,
  orphanError,
  onDismissError,
}: {
  success: ReactNode | null;
  successTestId: string;
  onDismissSuccess: () => void;
  orphanError: ReactNode | null;
  onDismissError: () => void;
}) {
  return (
    <>
      {success && (
        <Banner tone="success" onDismiss={onDismissSuccess}>
          <span data-testid={successTestId}>{success}</span>
        </Banner>
      )}
      {orphanError && (
        <Banner tone="error" onDismiss={onDismissError}>
          {orphanError}
        </Banner>
      )}
    </>
  );
}
