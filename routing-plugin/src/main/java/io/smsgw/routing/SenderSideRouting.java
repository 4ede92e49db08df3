package io.smsgw.routing;

import java.util.List;
import java.util.Map;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * The diverts' rules, applied by the gateway's own senders before they store a message (decision 40): the same
 * transformer classes, so a message routes the same whether an acceptor or an application sent it. The report
 * divert's two copies become the report itself and, when this gateway bills it, one copy for the billing record.
 */
final class SenderSideRouting implements IngressRouting {

   private final MtRouteTransformer mt = new MtRouteTransformer();
   private final MoRouteTransformer mo = new MoRouteTransformer();
   private final DrRouteTransformer dr = new DrRouteTransformer();

   SenderSideRouting(String brokerName) {
      Map<String, String> properties = Map.of(RoutingTransformer.BROKER_PROPERTY, brokerName);
      mt.init(properties);
      mo.init(properties);
      dr.init(properties);
   }

   @Override
   public boolean routes(SimpleString address) {
      return SmsAddresses.isIngress(address);
   }

   @Override
   public void route(Message message, List<Message> routed, Counts counts) {
      SimpleString address = message.getAddressSimpleString();
      if (SmsAddresses.MT_ADDRESS.equals(address)) {
         routed.add(mt.route(message, counts));
      } else if (SmsAddresses.DR_ADDRESS.equals(address)) {
         // The report is routed first and the billing record copied from it: the copy encodes the report once, as
         // it is stored, instead of encoding a message that is changed afterwards. The copy has room for the
         // billing properties, and shares the report's id until the broker gives each its own on send.
         DrRouteTransformer.Facts facts = dr.facts(message);
         // A part of an MT the gateway split may become the whole message's report: its record is copied first.
         Message early = facts.billedHere() && DrRouteTransformer.mayBecomeWholeMessage(message)
            ? SmsMessageBuilder.copyForRouting(message) : null;
         routed.add(dr.report(message, facts, counts));
         if (facts.billedHere()) {
            routed.add(dr.billingRecord(early != null ? early : SmsMessageBuilder.copyForRouting(message), facts, counts));
         }
      } else if (SmsAddresses.MO_ADDRESS.equals(address)) {
         routed.add(mo.route(message, counts));
      } else {
         throw new IllegalArgumentException("not an ingress address: " + address);
      }
   }
}
