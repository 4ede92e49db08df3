package io.smsgw.routing;

import io.smsgw.core.contract.IntermediateNotifications;
import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.runtime.IngressRouting;
import io.smsgw.core.runtime.TrafficCounters;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Routes a report from {@code sms.dr}: the divert forwards two copies, one towards the account that
 * submitted the MT and one towards {@code sms.billing}. A report for an MT that came from another gateway
 * ({@code smsOriginGateway}; the gateway that issued its smsId, when that is a peer) goes back to that
 * gateway's queue {@code sms.gw.<code>} instead, unbilled here:
 * the origin gateway bills it and tells its SP. Intermediate states (ENROUTE, ACCEPTD) are counted and never
 * billed; they reach the account only when an SMPP 3.4 ESME asked for intermediate notifications (registered_delivery
 * 0x10, {@link IntermediateNotifications}), else they are dropped. A final report its submitter did not ask for
 * ({@link ReportRequest}) is counted and billed like any other, but goes where intermediate reports go instead of to the account. A report for no known account (no {@code smsAccount}, or an empty one) waits on {@value #UNROUTED}, and so does one whose account's queue
 * does not exist ({@link AccountQueueKeeper}). Each routed
 * report carries a duplicate id, so a receipt the SMSC sends twice reaches the SP once: either the one its DR was
 * checked by on {@code sms.dr} (then the copies carry none, decision 36), or one per copy.
 */
public final class DrRouteTransformer extends RoutingTransformer {

   public static final String UNROUTED = "sms.dr.unrouted";
   /**
    * A multicast address without queues: what is sent there (intermediate and final reports nobody asked for,
    * billing copies of reports not billed here) is dropped, after being counted.
    */
   static final String INTERMEDIATE = "sms.dr.intermediate";
   /** {@code smsReportOf} of a report on an MO. */
   private static final String MO = "MO";

   private BillingTransformer billing;

   @Override
   public void init(java.util.Map<String, String> properties) {
      super.init(properties);
      billing = new BillingTransformer(router);
   }

   /** What both copies of a report are routed by, read before either is changed. */
   record Facts(DeliveryState state, String key, boolean checkedOnDr, String home, boolean ofMo) {

      /**
       * Whether this gateway writes a billing record for the report (a final state of its own SP's MT). A report on an
       * MO (an MO the FWD link could not carry, a peer's Msg_Fwd_Type 3) bills nobody: there is no MT to charge for.
       */
      boolean billedHere() {
         return state.isFinal() && home == null && !ofMo;
      }
   }

   @Override
   Message route(Message message, IngressRouting.Counts counts) {
      Facts facts = facts(message);
      if (SmsAddresses.BILLING.equals(message.getAddress())) {
         if (facts.billedHere()) {
            return billingRecord(message, facts, counts);
         }
         to(message, INTERMEDIATE, RoutingType.MULTICAST);
         return message;
      }
      return report(message, facts, counts);
   }

   /**
    * A receipt's done date has minute resolution (07:04 for an MT taken at 07:04:01.6), and an SMSC's clock may be
    * behind ours: a done time before the submit time says the submit time, the SMSC's value kept in
    * {@code smsReportedDoneTime}, so the report and the billing record never end before they began.
    */
   static void clampDoneTime(Message message) {
      if (message.getObjectProperty(SmsProperties.DONE_TIME) instanceof Number done
          && message.getObjectProperty(SmsProperties.SUBMIT_TIME) instanceof Number submitted
          && done.longValue() < submitted.longValue()) {
         message.putLongProperty(SmsProperties.REPORTED_DONE_TIME, done.longValue());
         message.putLongProperty(SmsProperties.DONE_TIME, submitted.longValue());
      }
   }

   /**
    * Reads the report's facts; when its DR was checked on {@code sms.dr} by the id the message carries, drops that
    * id: one duplicate-id check covered the report and its billing record (decision 36).
    */
   Facts facts(Message message) {
      clampDoneTime(message);
      String status = string(message, SmsProperties.STATUS);
      DeliveryState state = status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status);
      boolean ofMo = MO.equals(string(message, SmsProperties.REPORT_OF));
      if (!state.isFinal()) {
         return new Facts(state, null, false, null, ofMo);
      }
      String key = Billing.key(message);
      boolean checkedOnDr = Billing.checkedOnDr(message, key);
      if (checkedOnDr) {
         message.removeProperty(Message.HDR_DUPLICATE_DETECTION_ID);
      }
      // A report that came back from another gateway names that gateway as origin: its home is its smsId's issuer.
      // The forward record found its MT was submitted here (FwdSessionHandler): home, whatever gateway the id names.
      String home = Boolean.TRUE.equals(message.getObjectProperty(SmsProperties.REPORT_HOME)) ? null
         : router.reportHome(string(message, SmsProperties.ID), string(message, SmsProperties.ORIGIN_GATEWAY));
      return new Facts(state, key, checkedOnDr, home, ofMo);
   }

   /**
    * Routes the report itself: towards its SP, back to the gateway its MT came from, to {@value #UNROUTED} for no
    * known account, or nowhere for an intermediate state its submitter did not ask for. Its counters go to
    * {@code counts}, to be incremented once it is stored.
    */
   Message report(Message message, Facts facts, IngressRouting.Counts counts) {
      if (!facts.state().isFinal()) {
         counts.add(router.intermediateReports);
         String account;
         if (IntermediateNotifications.requested(message) && (account = account(message)) != null) {
            // registered_delivery 0x10 from an SMPP 3.4 ESME: the acceptor sends it as an intermediate notification
            // (esm_class 0x20). Never billed, counted in no account's delivered or failed; no duplicate id, so an
            // SMSC's repeat reaches the ESME twice (at least once, as every delivery).
            to(message, router.reportTarget(account, UNROUTED, message, counts), RoutingType.ANYCAST);
         } else {
            to(message, INTERMEDIATE, RoutingType.MULTICAST);
         }
         return message;
      }
      if (!facts.ofMo()) {
         // The link that submitted the MT (each part counts in its own state): reports the link made itself (a refused
         // submit, an expired record) included, those going back to a peer gateway too; none without smsLink.
         LinkOutcomes link = router.linkOutcomes(message.getObjectProperty(SmsProperties.LINK));
         if (link != null) {
            counts.add(link.of(facts.state()));
         }
      }
      if (facts.home() != null) {
         // The MT came from another gateway: the report goes back there, which bills and tells its SP.
         counts.add(router.reportsForwarded);
         if (!facts.checkedOnDr()) {
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(ReportKeys.REPORT_PREFIX + facts.key()));
         }
         to(message, SmsAddresses.gatewayQueue(facts.home()), RoutingType.ANYCAST);
         return message;
      }
      if (facts.ofMo()) {
         // Home is where the MO came from: no SP submitted anything to be told about, nothing to bill (multi-gateway.md).
         counts.add(router.moReports);
         to(message, INTERMEDIATE, RoutingType.MULTICAST);
         return message;
      }
      String account = account(message);
      if (account == null) {
         to(message, UNROUTED, RoutingType.ANYCAST);
         return message;
      }
      AccountCounters counters = router.counters(account);
      rememberFinal(message, account, facts.state());
      countFinal(counters, account, facts.state(), message.getObjectProperty(SmsProperties.SUBMIT_TIME), string(message, SmsProperties.SERVICE_ID), counts);
      if (!facts.checkedOnDr()) {
         // also on a report nobody asked for: a repeat is dropped, not counted twice
         message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(ReportKeys.REPORT_PREFIX + facts.key()));
      }
      DeliveryState state = facts.state();
      if (mayBecomeWholeMessage(message)) {
         SplitReports.Outcome outcome = splitOutcome(message, account, state);
         if (outcome.decision() == SplitReports.Decision.HELD) {
            // a part of a message the gateway split whose other parts are not all final yet: its state waits for them
            counts.add(router.splitPartsHeld);
            to(message, INTERMEDIATE, RoutingType.MULTICAST);
            return message;
         }
         if (outcome.decision() == SplitReports.Decision.COMPLETE) {
            state = outcome.state();
            wholeMessage(message, outcome);
         }
      }
      if (!ReportRequest.wanted(message, state)) {
         // The submitter asked for no report in this state (registered_delivery 0, or 2 and delivered): counted and
         // dropped where intermediate reports go, not left on a queue no session of the account may ever read.
         counts.add(counters.reportsNotRequested);
         to(message, INTERMEDIATE, RoutingType.MULTICAST);
         return message;
      }
      to(message, router.reportTarget(account, UNROUTED, message, counts), RoutingType.ANYCAST);
      return message;
   }

   /**
    * Keeps the final state for a query_sm of the account (decision 153). Here, while the
    * report is routed, so before its sender's send completes: an SMSC link removes the MT's correlation record (by which
    * a query_sm answers ENROUTE) only after that, and a query never finds neither. The properties are read as stored (a
    * SimpleString is a CharSequence, a time a boxed Long already): nothing is allocated.
    */
   private void rememberFinal(Message message, String account, DeliveryState state) {
      Object id = message.getObjectProperty(SmsProperties.ID);
      if (id instanceof CharSequence smsId) {
         Object error = message.getObjectProperty(SmsProperties.ERROR_CODE);
         Object done = message.getObjectProperty(SmsProperties.DONE_TIME);
         long finalMillis = done instanceof Number n ? n.longValue() : System.currentTimeMillis();
         router.runtime().finalStates().record(smsId, account, state, error instanceof CharSequence e ? e : null, finalMillis);
      }
   }

   /**
    * Whether {@link #report} may make this report the whole message's (one part of an MT the gateway split), so a
    * billing record, which stays the part's, must be copied before it rather than after.
    */
   static boolean mayBecomeWholeMessage(Message message) {
      return Boolean.TRUE.equals(message.getObjectProperty(SmsProperties.GATEWAY_SPLIT));
   }

   /** Offers one part's final report of a message the gateway split to the router's {@link SplitReports}. */
   private SplitReports.Outcome splitOutcome(Message message, String account, DeliveryState state) {
      if (!(message.getObjectProperty(SmsProperties.SEGMENT_TOTAL) instanceof Number total) || total.intValue() < 2
          || !(message.getObjectProperty(SmsProperties.SEGMENT_NUMBER) instanceof Number number)) {
         return SplitReports.INDIVIDUAL;
      }
      Object submitted = message.getObjectProperty(SmsProperties.SUBMIT_TIME);
      Object done = message.getObjectProperty(SmsProperties.DONE_TIME);
      long now = System.currentTimeMillis();
      String key = SplitReports.key(account, string(message, SmsProperties.SOURCE), string(message, SmsProperties.ID), total.intValue());
      return router.splitReports.offer(key, number.intValue(), total.intValue(), state, string(message, SmsProperties.ERROR_CODE),
                                       done instanceof Number d ? d.longValue() : now,
                                       submitted instanceof Number s ? Long.valueOf(s.longValue()) : null, now);
   }

   /** Makes the completing part's report the whole message's: its outcome, no part numbers. */
   private static void wholeMessage(Message message, SplitReports.Outcome outcome) {
      message.putStringProperty(SmsProperties.STATUS, SimpleString.of(outcome.state().stat()));
      if (outcome.error() == null) {
         message.removeProperty(SmsProperties.ERROR_CODE);
      } else {
         message.putStringProperty(SmsProperties.ERROR_CODE, SimpleString.of(outcome.error()));
      }
      message.putLongProperty(SmsProperties.DONE_TIME, outcome.doneMillis());
      // the completing part's CMPP network code may not be the whole message's outcome: the SP gets the state word
      message.removeProperty(SmsProperties.NETWORK_CODE);
      message.removeProperty(SmsProperties.SEGMENT_REF);
      message.removeProperty(SmsProperties.SEGMENT_TOTAL);
      message.removeProperty(SmsProperties.SEGMENT_NUMBER);
      message.removeProperty(SmsProperties.GATEWAY_SPLIT);
   }

   /** Counts the final report of this gateway's account: the account's counters and CMPP QUERY's traffic. */
   private void countFinal(AccountCounters counters, String account, DeliveryState state, Object submitted, String serviceId,
                           IngressRouting.Counts counts) {
      boolean delivered = state == DeliveryState.DELIVRD;
      counts.add(delivered ? counters.delivered : counters.failed);
      // On the MT's submit day, where CMPP QUERY counted the MT, not on the day its report arrives; a submit time
      // outside the days QUERY keeps (another unit, a clock far off) counts today.
      TrafficCounters traffic = router.runtime().traffic();
      int day = submitted instanceof Number n ? traffic.dayOf(n.longValue()) : traffic.today();
      counts.add(traffic.mtOutcomeCounter(account, day, serviceId, delivered));
   }

   /**
    * Turns a copy of the report into its billing record; only for {@link Facts#billedHere}. The copy may be taken
    * from the routed report: the record's own address and duplicate id replace the report's.
    */
   Message billingRecord(Message copy, Facts facts, IngressRouting.Counts counts) {
      return billing.transform(copy, facts.state(), facts.key(), facts.checkedOnDr(), counts);
   }
}
