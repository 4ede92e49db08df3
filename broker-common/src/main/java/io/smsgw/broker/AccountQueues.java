package io.smsgw.broker;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * The queues an account's MO and status reports wait in: one durable anycast queue {@code <prefix><account>}
 * ({@code sms.sp.<account>}) whose address has its name. The one place that creates them, whoever needs one first: an
 * SMPP or CMPP session at its bind, routing for every configured account when it starts and after a reload, routing
 * again for a report or MO that finds its account's queue gone, and the EXPIRED reports' retry.
 */
public final class AccountQueues {

   private AccountQueues() {
   }

   /** The queue an account's MO and reports go to under {@code prefix}. */
   public static SimpleString queueOf(String prefix, String account) {
      return SimpleString.of(prefix + account);
   }

   /**
    * Creates the account's queue(s) unless they exist, and returns the queue its sessions read. Writes to the
    * bindings journal and waits for it: never on an event loop.
    */
   public static SimpleString create(ActiveMQServer server, String prefix, String account) throws Exception {
      SimpleString queue = queueOf(prefix, account);
      createQueue(server, queue);
      return queue;
   }

   /**
    * Creates the durable anycast queue {@code queue} on the address of the same name unless it exists (the address too,
    * if missing). Waits for the bindings journal.
    */
   public static void createQueue(ActiveMQServer server, SimpleString queue) throws Exception {
      server.createQueue(QueueConfiguration.of(queue).setAddress(queue).setRoutingType(RoutingType.ANYCAST)
                            .setDurable(true).setAutoCreateAddress(true), true);
   }

   /** Whether a message sent to {@code address} would find a queue there: a map lookup, no journal. */
   public static boolean hasQueue(ActiveMQServer server, SimpleString address) {
      try {
         Bindings bindings = server.getPostOffice().lookupBindingsForAddress(address);
         return bindings != null && bindings.hasLocalBinding();
      } catch (Exception e) {
         return false; // the broker could not say: no queue, as far as the caller can tell
      }
   }
}
