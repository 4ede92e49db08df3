package io.smsgw.core.config;

import java.util.EnumSet;
import java.util.Set;

import io.smsgw.core.receipt.DeliveryState;

/**
 * When a final delivery state makes a message billable ({@code billing} section of {@code sms-gateway.conf}).
 * The default bills per-message fees (CMPP FeeType 02, and messages without a fee type) when delivered;
 * free (01) and monthly (03) messages are never billed per message.
 *
 * @param billableStates states that bill, e.g. DELIVRD
 * @param billableFeeTypes fee types billed per message ("" stands for messages without a fee type)
 * @param cdr the built-in CDR file writer ({@code billing.cdr}); null when the section is absent
 */
public record BillingPolicy(Set<DeliveryState> billableStates, Set<String> billableFeeTypes, CdrConfig cdr) {

   public static final BillingPolicy DEFAULT = new BillingPolicy(EnumSet.of(DeliveryState.DELIVRD), Set.of("02", ""));

   /** A policy without CDR files. */
   public BillingPolicy(Set<DeliveryState> billableStates, Set<String> billableFeeTypes) {
      this(billableStates, billableFeeTypes, null);
   }

   public BillingPolicy {
      billableStates = billableStates.isEmpty() ? EnumSet.noneOf(DeliveryState.class) : EnumSet.copyOf(billableStates);
      billableFeeTypes = Set.copyOf(billableFeeTypes);
   }

   public boolean isBillable(DeliveryState state, String feeType) {
      return billableStates.contains(state) && billableFeeTypes.contains(feeType == null ? "" : feeType);
   }

   /** A report's smsStatus read as routing reads it ({@link DeliveryState#fromStat}: any case, long names too). */
   public boolean isBillable(String state, String feeType) {
      return isBillable(DeliveryState.fromStat(state), feeType);
   }
}
