package io.smsgw.broker;

import java.util.function.Function;

import io.netty.channel.Channel;
import org.slf4j.Logger;

/**
 * The acceptor's interceptors as one client session (SMPP, CMPP) applies them: a PDU an incoming interceptor vetoes
 * closes the connection (the session cannot answer for what it was not allowed to read); one an outgoing interceptor
 * vetoes is not written. Both acceptors' sessions delegate here so the two rules, and their log lines (on the
 * session's logger), are written once. Nothing is allocated per PDU; the manager skips the call when it has no
 * interceptors.
 *
 * @param <P> the protocol's PDU
 */
public final class SessionInterceptors<P> {

   private final AbstractSmsProtocolManager<P, ?> manager;
   private final SmsRemotingConnection connection;
   private final Function<? super P, String> commandName;
   private final Logger logger;

   public SessionInterceptors(AbstractSmsProtocolManager<P, ?> manager, SmsRemotingConnection connection,
                              Function<? super P, String> commandName, Logger logger) {
      this.manager = manager;
      this.connection = connection;
      this.commandName = commandName;
      this.logger = logger;
   }

   /** Whether an outgoing interceptor vetoed {@code pdu}: then it is not to be written. */
   public boolean vetoesOutgoing(P pdu) {
      String vetoed = manager.invokeOutgoing(pdu, connection);
      if (vetoed != null) {
         logger.debug("Outgoing interceptor {} vetoed {}", vetoed, commandName.apply(pdu));
         return true;
      }
      return false;
   }

   /** Whether an incoming interceptor vetoed {@code pdu} read from {@code channel}: then the connection is closed. */
   public boolean vetoesIncoming(P pdu, Channel channel) {
      String vetoed = manager.invokeIncoming(pdu, connection);
      if (vetoed != null) {
         logger.info("Incoming interceptor {} vetoed {} from {}; closing", vetoed, commandName.apply(pdu), channel.remoteAddress());
         channel.close();
         return true;
      }
      return false;
   }
}
