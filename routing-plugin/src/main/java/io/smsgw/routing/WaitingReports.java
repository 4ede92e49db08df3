package io.smsgw.routing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.smsgw.broker.QueueBrowsing;
import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.contract.AccountQueueFilters;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.core.server.Consumer;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * The routing bean's {@code waitingReports}: an account's waiting reports by the kind of session that can take them
 * (CMPP, SMPP 3.3, SMPP 3.4; decision 164) beside the sessions of each kind reading the queue now, so that reports no
 * bound session can take show: an ESME that submitted over 3.3 and now binds its receiver with 3.4 (or the reverse), an
 * SP whose CMPP connection is gone while its SMPP one is bound. Browses the messages the queue holds in memory, not an
 * event loop's work.
 */
final class WaitingReports {

   /** The keys, in the order returned. */
   static final String[] NAMES = {"cmppReports", "smpp33Reports", "smpp34Reports", "cmppSessions", "smpp33Sessions",
      "smpp34Sessions", "withoutSession"};
   private static final int MAX_BROWSED = 100_000;
   private static final SimpleString V33 = SimpleString.of("3.3");

   private WaitingReports() {
   }

   /** The kind of session (0 CMPP, 1 SMPP 3.3, 2 SMPP 3.4) a message goes to only, or -1 when any session takes it. */
   static int kind(Message message) {
      if (SmsKind.of(message.getObjectProperty(SmsProperties.KIND)) != SmsKind.DR) {
         return -1;
      }
      AccessProtocol protocol = AccountQueueKeeper.protocol(message.getObjectProperty(SmsProperties.PROTOCOL));
      if (protocol == null) {
         return -1;
      }
      if (protocol == AccessProtocol.CMPP) {
         return 0;
      }
      Object version = message.getObjectProperty(SmsProperties.PROTOCOL_VERSION);
      return V33.equals(version) || "3.3".equals(version) ? 1 : 2;
   }

   static Map<String, Long> of(Queue queue) {
      long[] values = new long[NAMES.length];
      if (queue != null) {
         long[] browsed = {0};
         QueueBrowsing.browse(queue, () -> {
            java.util.Arrays.fill(values, 0, 3, 0);
            browsed[0] = 0;
         }, ref -> {
            int kind = kind(ref.getMessage());
            if (kind >= 0) {
               values[kind]++;
            }
            return ++browsed[0] < MAX_BROWSED;
         });
         for (Consumer consumer : queue.getConsumers()) {
            Filter filter = consumer.getFilter();
            SimpleString text = filter == null ? null : filter.getFilterString();
            if (AccountQueueFilters.cmpp().equals(text)) {
               values[3]++;
            } else if (AccountQueueFilters.smpp(false).equals(text)) {
               values[4]++;
            } else if (AccountQueueFilters.smpp(true).equals(text)) {
               values[5]++;
            }
         }
         for (int kind = 0; kind < 3; kind++) {
            if (values[3 + kind] == 0) {
               values[6] += values[kind];
            }
         }
      }
      Map<String, Long> out = new LinkedHashMap<>();
      for (int i = 0; i < NAMES.length; i++) {
         out.put(NAMES[i], values[i]);
      }
      return out;
   }
}
