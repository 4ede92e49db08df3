package io.smsgw.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import io.smsgw.broker.QueueBrowsing;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.FinalStates;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.filter.impl.FilterImpl;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * Where an MT is, for an operator who has only an id (the routing bean's {@code locate}): the gateway's smsId (1 to 16
 * hex digits), a CMPP Msg_Id written in decimal (17 to 20 digits, as SPs often quote it), or the id an SMSC gave in
 * submit_sm_resp. Looked at in the order an MT moves, as query_sm does (decision 153): the queues where MT wait (sms.mt,
 * the links' sms.smsc.&lt;link&gt;, the peers' sms.gw.&lt;code&gt;, sms.route.pending, sms.expired), then the correlation
 * records of the SMSC links (accepted, waiting for the receipt), then the final states routing keeps. An MT moving on
 * while it is looked for may be found in two places, never in none.
 *
 * <p>Bounded: the queues are browsed (not consumed) up to {@link #MAX_BROWSED} messages in all, each matched by one
 * filter; the store answers with one prefix scan of its accepted-parts index per smsId and one point read per link for
 * an SMSC id; the final states with one probe run. Blocks for the browse and the store's reads, so it refuses to run on
 * an event loop.
 */
final class MessageLocator {

   /** Messages browsed in all by one look-up; beyond, the answer says the queues were not all searched. */
   static final int MAX_BROWSED = 100_000;

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;

   MessageLocator(ActiveMQServer server, GatewayRuntime runtime) {
      this.server = server;
      this.runtime = runtime;
   }

   /** The answer as one JSON object (see the routing bean's {@code locate}). */
   String locate(String given) throws Exception {
      if (ThreadExecutorMap.currentExecutor() instanceof EventLoop) {
         throw new IllegalStateException("locate browses queues and reads the correlation store: not on an event loop");
      }
      String id = given == null ? "" : given.trim();
      if (id.isEmpty() || id.length() > 255) {
         throw new IllegalArgumentException("give an smsId (hex), a CMPP Msg_Id in decimal or an SMSC message id");
      }
      Set<String> smsIds = new LinkedHashSet<>(smsIds(id));
      List<String> found = new ArrayList<>();
      // The SMSC's id first: a record found by it names the smsId, whose queues and final state are then looked at too.
      AcceptedSegments links = runtime.acceptedSegments();
      String storeProblem = null;
      List<AcceptedSegments.Awaited> awaited = new ArrayList<>();
      if (links != null) {
         try {
            for (AcceptedSegments.Awaited a : links.awaitedBySmscId(id)) {
               awaited.add(a);
               smsIds.add(a.smsId());
            }
         } catch (Exception e) {
            storeProblem = String.valueOf(e);
         }
      }
      int browsed = 0;
      boolean complete = true;
      if (!smsIds.isEmpty()) {
         Filter filter = FilterImpl.createFilter(SmsProperties.ID + " IN (" + quoted(smsIds) + ")");
         int[] seen = {0};
         for (Queue queue : queues()) {
            if (seen[0] >= MAX_BROWSED) {
               complete = false;
               break;
            }
            List<MessageReference> matched = new ArrayList<>();
            QueueBrowsing.browse(queue, matched::clear, ref -> {
               if (filter.match(ref.getMessage())) {
                  matched.add(ref);
               }
               return ++seen[0] < MAX_BROWSED;
            });
            for (MessageReference ref : matched) {
               found.add(queued(queue, ref.getMessage(), "waiting"));
            }
            // taken by a consumer (an SMSC or FWD link) and not acknowledged yet: being sent
            for (List<MessageReference> delivering : queue.getDeliveringMessages().values()) {
               for (MessageReference ref : delivering) {
                  if (filter.match(ref.getMessage())) {
                     found.add(queued(queue, ref.getMessage(), "sending"));
                  }
               }
            }
         }
         browsed = seen[0];
         complete &= browsed < MAX_BROWSED;
         if (links != null && storeProblem == null) {
            try {
               for (String smsId : smsIds) {
                  for (AcceptedSegments.Awaited a : links.awaited(smsId)) {
                     if (!awaited.contains(a)) {
                        awaited.add(a);
                     }
                  }
               }
            } catch (Exception e) {
               storeProblem = String.valueOf(e);
            }
         }
      }
      for (AcceptedSegments.Awaited a : awaited) {
         found.add(awaitingReceipt(a));
      }
      for (String smsId : smsIds) {
         for (FinalStates.Kept kept : runtime.finalStates().lookupAnyAccount(smsId)) {
            found.add(finalState(smsId, kept));
         }
      }
      StringBuilder out = new StringBuilder("{");
      field(out, "id", id).append(',');
      out.append("\"smsIds\":[").append(quotedJson(smsIds)).append("],");
      out.append("\"found\":[").append(String.join(",", found)).append("],");
      out.append("\"browsed\":").append(browsed).append(",\"complete\":").append(complete);
      List<String> notes = new ArrayList<>();
      if (!complete) {
         notes.add("the queues were searched up to " + MAX_BROWSED + " messages, not all of them");
      }
      if (storeProblem != null) {
         notes.add("the correlation store could not answer: " + storeProblem);
      } else if (links == null) {
         notes.add("no SMSC link runs: no correlation records were looked at");
      }
      if (found.isEmpty()) {
         notes.add("no final state kept: only the last " + runtime.finalStates().capacity()
                      + " final reports of this gateway's accounts since the broker started are kept");
      }
      if (!notes.isEmpty()) {
         out.append(',');
         field(out, "note", String.join("; ", notes));
      }
      return out.append('}').toString();
   }

   /**
    * The smsIds {@code id} may be: itself when it is 1 to 16 hex digits (lower case, as the gateway issues them), the
    * 16 hex digits of a decimal CMPP Msg_Id (17 to 20 digits up to 2^64 - 1).
    */
   static List<String> smsIds(String id) {
      List<String> out = new ArrayList<>(1);
      if (id.length() <= 16 && id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
         out.add(id.toLowerCase(Locale.ROOT));
      } else if (id.length() >= 17 && id.length() <= 20 && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
         try {
            String hex = Long.toHexString(Long.parseUnsignedLong(id));
            out.add("0".repeat(16 - hex.length()) + hex);
         } catch (NumberFormatException e) {
            // above 2^64 - 1: no Msg_Id
         }
      }
      return out;
   }

   /** The queues an MT waits on: the submit address's, the links' and peers', the route-pending and expiry queues. */
   private List<Queue> queues() {
      List<Queue> queues = new ArrayList<>();
      server.getPostOffice().getAllBindings().forEach(binding -> {
         if (binding instanceof LocalQueueBinding local) {
            String address = local.getAddress().toString();
            if (address.equals(SmsAddresses.MT) || address.startsWith(SmsAddresses.SMSC_LINK_PREFIX)
                || address.startsWith(SmsAddresses.GATEWAY_PREFIX) || address.equals(SmsAddresses.ROUTE_PENDING)
                || address.equals(SmsAddresses.EXPIRED)) {
               queues.add(local.getQueue());
            }
         }
      });
      return queues;
   }

   private static String queued(Queue queue, Message message, String state) {
      StringBuilder b = new StringBuilder("{");
      field(b, "where", "queue").append(',');
      field(b, "queue", queue.getName().toString()).append(',');
      field(b, "state", state);
      property(b, "kind", message, SmsProperties.KIND);
      property(b, "smsId", message, SmsProperties.ID);
      property(b, "account", message, SmsProperties.ACCOUNT);
      property(b, "destination", message, SmsProperties.DESTINATION);
      if (message.getObjectProperty(SmsProperties.SUBMIT_TIME) instanceof Number submitted) {
         b.append(',');
         field(b, "submitTime", Instant.ofEpochMilli(submitted.longValue()).toString());
      }
      return b.append('}').toString();
   }

   private static String awaitingReceipt(AcceptedSegments.Awaited a) {
      StringBuilder b = new StringBuilder("{");
      field(b, "where", "link").append(',');
      field(b, "link", a.linkId()).append(',');
      field(b, "state", "awaiting receipt").append(',');
      field(b, "smscMessageId", a.smscMessageId()).append(',');
      field(b, "smsId", a.smsId()).append(',');
      field(b, "account", a.account()).append(',');
      field(b, "destination", a.destination()).append(',');
      field(b, "submitTime", Instant.ofEpochMilli(a.submitTimeMillis()).toString());
      if (a.segmentTotal() > 1) {
         b.append(',');
         field(b, "part", a.segmentNumber() + "/" + a.segmentTotal());
      }
      return b.append('}').toString();
   }

   private static String finalState(String smsId, FinalStates.Kept kept) {
      StringBuilder b = new StringBuilder("{");
      field(b, "where", "final").append(',');
      field(b, "state", DeliveryState.fromMessageState(kept.state().messageState()).stat()).append(',');
      field(b, "smsId", smsId).append(',');
      field(b, "account", kept.account()).append(',');
      b.append("\"error\":").append(kept.state().errorCode()).append(',');
      field(b, "time", Instant.ofEpochMilli(kept.state().finalMillis()).toString());
      return b.append('}').toString();
   }

   private static void property(StringBuilder b, String name, Message message, SimpleString property) {
      Object value = message.getObjectProperty(property);
      if (value != null) {
         b.append(',');
         field(b, name, value.toString());
      }
   }

   private static StringBuilder field(StringBuilder b, String name, String value) {
      b.append('"').append(name).append("\":");
      return value == null ? b.append("null") : json(b, value);
   }

   private static StringBuilder json(StringBuilder b, String value) {
      b.append('"');
      for (int i = 0; i < value.length(); i++) {
         char c = value.charAt(i);
         if (c == '"' || c == '\\') {
            b.append('\\').append(c);
         } else if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
         } else {
            b.append(c);
         }
      }
      return b.append('"');
   }

   private static String quotedJson(Set<String> values) {
      StringBuilder b = new StringBuilder();
      for (String v : values) {
         if (b.length() > 0) {
            b.append(',');
         }
         json(b, v);
      }
      return b.toString();
   }

   /** For the filter: smsIds from the id are hex digits, those from a record anything; quotes doubled. */
   private static String quoted(Set<String> values) {
      StringBuilder b = new StringBuilder();
      for (String v : values) {
         if (b.length() > 0) {
            b.append(',');
         }
         b.append('\'').append(v.replace("'", "''")).append('\'');
      }
      return b.toString();
   }
}
