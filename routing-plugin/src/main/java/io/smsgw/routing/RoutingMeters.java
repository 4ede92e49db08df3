package io.smsgw.routing;

import java.util.concurrent.atomic.LongAdder;

import io.smsgw.broker.GatewayMeters;

/**
 * Routing's counters as meters: per account (tag {@code account}) what the routing bean's {@code getAccountCounters}
 * shows, and the gateway-wide counts it shows beside them; each counts a message once it is stored (decision 86).
 * A configured account's meters appear with its first counted message; every other smsAccount (or none) counts under
 * {@code account="(other accounts)"} ({@link SmsRouter#OTHER_ACCOUNTS}), so the meters grow with the configuration,
 * not with the values senders write. Registered while routing runs, removed when it stops.
 */
final class RoutingMeters {

   private RoutingMeters() {
   }

   /** Registers the meters of {@code router}'s counters, now and as accounts are added, in {@code meters}. */
   static void start(GatewayMeters meters, SmsRouter router) {
      if (!meters.enabled()) {
         return;
      }
      count(meters, "routing.mo.unrouted", "MO no route covered", router.moUnrouted);
      count(meters, "routing.reports.intermediate", "Intermediate (not final) reports", router.intermediateReports);
      count(meters, "routing.reports.no-session", "Reports sent to sms.dr.unrouted: their account no longer has their MT's protocol",
            router.reportsWithoutSession);
      count(meters, "routing.reports.mo", "Reports on MOs, neither billed nor sent to an SP", router.moReports);
      count(meters, "routing.reports.forwarded", "Reports sent on to the gateway where their MT was submitted", router.reportsForwarded);
      count(meters, "billing.cdr.records", "Billing records written to CDR files (forced and acknowledged)", router.cdr.records);
      count(meters, "billing.cdr.files", "CDR files closed (renamed to .csv)", router.cdr.files);
      count(meters, "billing.cdr.errors", "CDR file writes that failed (each retry counts)", router.cdr.errors);
      router.onCountersAdded((account, c) -> {
         count(meters, "routing.mt.submitted", "MT of the account stored for routing", c.submitted, "account", account);
         count(meters, "routing.mt.unrouted", "MT of the account no route took (each got a report)", c.unrouted, "account", account);
         count(meters, "routing.dr", "Final reports for the account's MT, by state", c.delivered, "account", account, "state", "delivered");
         count(meters, "routing.dr", "Final reports for the account's MT, by state", c.failed, "account", account, "state", "failed");
         count(meters, "routing.dr.not-requested", "Final reports for the account's MT not sent to it: its registered delivery asked for none",
               c.reportsNotRequested, "account", account);
         count(meters, "routing.billing.records", "Billing records written to sms.billing", c.billed, "account", account);
         count(meters, "routing.billing.billable", "Of the billing records, those with smsBillable true", c.billable, "account", account);
         count(meters, "routing.mo", "MO routed to the account", c.moRouted, "account", account);
      });
      router.onLinkOutcomesAdded((link, c) -> {
         for (io.smsgw.core.receipt.DeliveryState state : LinkOutcomes.STATES) {
            count(meters, "routing.dr.link", "Final reports for the MT the SMSC link submitted, by state", c.of(state),
                  "link", link, "state", state.stat());
         }
      });
   }

   /** Stops registering meters for new accounts; the caller closes {@code meters}. */
   static void stop(SmsRouter router) {
      router.onCountersAdded(null);
      router.onLinkOutcomesAdded(null);
   }

   private static void count(GatewayMeters meters, String name, String description, LongAdder counter, String... tags) {
      meters.counter(name, description, counter, LongAdder::sum, tags);
   }
}
