package io.smsgw.routing;

import java.util.Map;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.runtime.IngressRouting;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.transformer.Transformer;

/**
 * Base of the divert transformers that route the contract's ingress addresses. A divert hands each message
 * a copy to transform; the transformer decides the copy's address, so every producer (SMPP, CMPP, JMS, AMQP,
 * core) is routed by the same rules. The router is looked up by the broker name given as property
 * {@code broker} in the divert's transformer configuration.
 */
abstract class RoutingTransformer implements Transformer {

   static final String BROKER_PROPERTY = "broker";

   protected SmsRouter router;

   @Override
   public void init(Map<String, String> properties) {
      router = SmsRouter.forBroker(properties.get(BROKER_PROPERTY));
   }

   /** Routes a divert's copy; its counters count once the broker has stored it ({@link StoredCounts}). */
   @Override
   public final Message transform(Message message) {
      StoredCounts counts = new StoredCounts();
      Message routed = routeDiverted(message, counts);
      counts.attachTo(routed);
      return routed;
   }

   /**
    * Routes a message the divert hands over: one an application sent, or one that comes back from
    * {@code sms.route.pending} or from the queue of a removed link. The gateway's own senders call {@link #route}.
    */
   Message routeDiverted(Message message, IngressRouting.Counts counts) {
      return route(message, counts);
   }

   /**
    * Routes the message (sets its address and properties); the counters to increment once it is stored go to
    * {@code counts} (docs/decisions.md, "Routing counts what was stored").
    */
   abstract Message route(Message message, IngressRouting.Counts counts);

   static String string(Message message, SimpleString property) {
      Object value = message.getObjectProperty(property);
      return value == null ? null : value.toString();
   }

   /** An MT or MO that arrives without {@code smsId} (an application's) gets one, as those of the gateway's heads have. */
   void giveIdIfAbsent(Message message) {
      if (message.getObjectProperty(SmsProperties.ID) == null) {
         put(message, SmsProperties.ID, router.runtime().nextSmppMessageId(true));
      }
   }

   static void to(Message message, String address, RoutingType routingType) {
      message.setAddress(address);
      message.setRoutingType(routingType);
   }

   static void put(Message message, SimpleString property, String value) {
      if (value != null) {
         message.putStringProperty(property, SimpleString.of(value));
      }
   }

   /** Sends the message to {@code sms.route.pending} to wait for the tandem's answer on its route. */
   Message waitForRoute(Message message, boolean waited, IngressRouting.Counts counts) {
      if (!waited) {
         message.putLongProperty(PendingRoutes.SINCE, System.currentTimeMillis());
         counts.add(router.network().parked);
      }
      to(message, SmsAddresses.ROUTE_PENDING, RoutingType.ANYCAST);
      return message;
   }

   /**
    * Whether the message comes back from the pending queue. The move that brought it ({@link RoutedMove}) cleared its
    * expiry, which its validity restores (so an MT still expires, with an EXPIRED report, however often it waited).
    */
   static boolean cameBackFromPending(Message message) {
      if (message.getObjectProperty(PendingRoutes.SINCE) == null) {
         return false;
      }
      restoreExpiry(message);
      return true;
   }

   /**
    * Whether the MT was moved here from the queue of an SMSC link the configuration no longer has
    * ({@link RemovedLinkQueues}): routed before, so counted already; its expiry, which the move cleared, comes back.
    */
   static boolean reroutedFromRemovedLink(Message message) {
      if (message.getObjectProperty(RemovedLinkQueues.REROUTED_FROM) == null) {
         return false;
      }
      restoreExpiry(message);
      return true;
   }

   /** The SMSC link whose queue a re-routed MT was moved from ({@link RemovedLinkQueues#REROUTED_FROM}), or null. */
   static String movedFromLink(Message message) {
      String queue = string(message, RemovedLinkQueues.REROUTED_FROM);
      return queue != null && queue.startsWith(SmsAddresses.SMSC_LINK_PREFIX)
         ? queue.substring(SmsAddresses.SMSC_LINK_PREFIX.length()) : null;
   }

   private static void restoreExpiry(Message message) {
      Object validity = message.getObjectProperty(SmsProperties.VALIDITY_TIME);
      if (message.getExpiration() == 0 && validity instanceof Number until && until.longValue() > 0) {
         message.setExpiration(until.longValue());
      }
   }

   /** The message leaves for its route: the pending marker has done its job. */
   static void leavePending(Message message) {
      message.removeProperty(PendingRoutes.SINCE);
   }

   /**
    * The message's {@code smsAccount}; null when it has none or an empty one (an SMSC link keeps an application's MT
    * without one as "" in its correlation record, and its reports carry that): no account either way.
    */
   static String account(Message message) {
      String account = string(message, SmsProperties.ACCOUNT);
      return account == null || account.isEmpty() ? null : account;
   }

   /**
    * The account whose limits ({@code mt-routes}) an MT is routed under: its {@link #account}, or none for an MT a peer
    * gateway forwarded, which was held to its account's limits where the SP submitted it (decision 189).
    */
   static String routingAccount(Message message) {
      return message.getObjectProperty(SmsProperties.ORIGIN_GATEWAY) == null ? account(message) : null;
   }
}
