package io.smsgw.routing;

import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.runtime.TrafficCounters;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * Routes a report from {@code sms.dr}: the divert forwards two copies, one towards the account that
 * submitted the MT and one towards {@code sms.billing}. A report for an MT that came from another gateway
 * ({@code smsOriginGateway}; the gateway that issued its smsId, when that is a peer) goes back to that
 * gateway's queue {@code sms.gw.<code>} instead, unbilled here:
 * the origin gateway bills it and tells its SP. Intermediate states (ENROUTE, ACCEPTD) are counted,
 * not forwarded and not billed. A report for no known account waits on {@value #UNROUTED}. Each routed
 * report carries a duplicate id, so a receipt the SMSC sends twice reaches the SP once: either the one its DR was
 * checked by on {@code sms.dr} (then the copies carry none, decision 36), or one per copy.
 */
public final class DrRouteTransformer extends RoutingTransformer {

   public static final String UNROUTED = "sms.dr.unrouted";
   /** A multicast address without queues: what is sent there is dropped, after being counted. */
   static final String INTERMEDIATE = "sms.dr.intermediate";

   private BillingTransformer billing;

   @Override
   public void init(java.util.Map<String, String> properties) {
      super.init(properties);
      billing = new BillingTransformer(router);
   }

   @Override
   public Message transform(Message message) {
      boolean billingCopy = SmsAddresses.BILLING.equals(message.getAddress());
      String status = string(message, SmsProperties.STATUS);
      DeliveryState state = status == null ? DeliveryState.UNKNOWN : DeliveryState.fromStat(status);
      String key = state.isFinal() ? Billing.key(message) : null;
      boolean checkedOnDr = key != null && Billing.checkedOnDr(message, key);
      if (checkedOnDr) {
         // One duplicate-id check on sms.dr covered this copy (decision 36): none again on its own address.
         message.removeProperty(Message.HDR_DUPLICATE_DETECTION_ID);
      }
      if (!state.isFinal()) {
         if (!billingCopy) {
            router.intermediateReports.increment();
         }
         to(message, INTERMEDIATE, RoutingType.MULTICAST);
         return message;
      }
      // A report that came back from another gateway names that gateway as origin: its home is its smsId's issuer.
      String home = router.reportHome(string(message, SmsProperties.ID), string(message, SmsProperties.ORIGIN_GATEWAY));
      if (home != null) {
         // The MT came from another gateway: the report goes back there, which bills and tells its SP.
         if (billingCopy) {
            to(message, INTERMEDIATE, RoutingType.MULTICAST);
            return message;
         }
         router.reportsForwarded.increment();
         if (!checkedOnDr) {
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(ReportKeys.REPORT_PREFIX + key));
         }
         to(message, SmsAddresses.gatewayQueue(home), RoutingType.ANYCAST);
         return message;
      }
      if (billingCopy) {
         return billing.transform(message, key, checkedOnDr);
      }
      String account = account(message);
      if (account == null) {
         to(message, UNROUTED, RoutingType.ANYCAST);
         return message;
      }
      AccountCounters counters = router.counters(account);
      if (state == DeliveryState.DELIVRD) {
         counters.delivered.increment();
      } else {
         counters.failed.increment();
      }
      router.runtime().traffic().recordMtOutcome(account, TrafficCounters.today(),
                                                 string(message, SmsProperties.SERVICE_ID), state == DeliveryState.DELIVRD);
      if (!checkedOnDr) {
         message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(ReportKeys.REPORT_PREFIX + key));
      }
      to(message, SmsAddresses.accountQueue(account), RoutingType.ANYCAST);
      return message;
   }
}
