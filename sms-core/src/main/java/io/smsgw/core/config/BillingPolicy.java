package io.smsgw.core.config;

import java.util.Set;

/**
 * When a final delivery state makes a message billable ({@code billing} section of {@code sms-gateway.conf}).
 * The default bills per-message fees (CMPP FeeType 02, and messages without a fee type) when delivered;
 * free (01) and monthly (03) messages are never billed per message.
 *
 * @param billableStates states that bill, e.g. DELIVRD
 * @param billableFeeTypes fee types billed per message ("" stands for messages without a fee type)
 */
public record BillingPolicy(Set<String> billableStates, Set<String> billableFeeTypes) {

   public static final BillingPolicy DEFAULT = new BillingPolicy(Set.of("DELIVRD"), Set.of("02", ""));

   public BillingPolicy {
      billableStates = Set.copyOf(billableStates);
      billableFeeTypes = Set.copyOf(billableFeeTypes);
   }

   public boolean isBillable(String state, String feeType) {
      return billableStates.contains(state) && billableFeeTypes.contains(feeType == null ? "" : feeType);
   }
}
