package io.smsgw.core.runtime;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;

/**
 * The routing plugin's rules for the contract's ingress addresses ({@code sms.mt}, {@code sms.mo}, {@code sms.dr}),
 * offered to the gateway's own senders so they can route a message before they store it (decision 40). A message
 * sent there by anybody else is routed by the same rules in the plugin's divert; routing first saves the broker
 * the copy the divert makes and the encoding of a message that is never stored.
 */
public interface IngressRouting {

   /** Whether messages sent to this address are routed here. */
   boolean routes(SimpleString address);

   /**
    * Routes a message addressed to an address this {@link #routes}, exactly as that address's divert would: sets
    * its address and properties, and adds to {@code routed} the message and any copy the divert would make
    * (the billing record of a report). The broker gives each message its own id when it is sent. The counters the
    * routing keeps for it (an account's submitted, delivered, billed, ...) are handed to {@code counts}, not
    * incremented: the sender increments them once what was routed is durable, and never for a send that fails, is
    * rolled back or is dropped as a duplicate.
    */
   void route(Message message, List<Message> routed, Counts counts);

   /** Counters to increment once the messages routed with them are stored. */
   interface Counts {

      /** Increment {@code counter} by one once the routed messages are stored. */
      void add(LongAdder counter);
   }
}
