package io.smsgw.broker;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.slf4j.Logger;

/**
 * Steps both acceptors take the same way when a client session ends cleanly (SMPP unbind, CMPP TERMINATE), whoever
 * ends it: the peer, or the gateway for a broker stop or a revoked account. The protocol's state machine stays in its
 * session; these are the pieces it delegates, with the session's logger so the log lines keep their source.
 */
public final class ClientSessionEnd {

   private ClientSessionEnd() {
   }

   /**
    * Runs {@code task} on the connection's event loop, from any thread (a reload revoking an account). A loop that takes
    * no more tasks is shutting down: the connection is closed instead, which ends the session as a lost connection does.
    */
   public static void onEventLoopOrClose(Channel channel, Runnable task) {
      try {
         channel.eventLoop().execute(task);
      } catch (RejectedExecutionException e) {
         channel.close();
      }
   }

   /**
    * After the last answer went out (unbind_resp, TERMINATE_RESP): the peer closes once it has read it, and closing
    * first could lose it (decision 156). So the gateway closes only once the deliveries written are answered, at most
    * {@code drainMillis} from now, and then {@link LastAnswer#DRAIN_MILLIS} later at the latest.
    */
   public static void closeAfterLastAnswer(Channel channel, WindowedDeliverer<?> deliverer, long drainMillis) {
      SessionEndDeadline.afterDeliveriesAnswered(channel, deliverer, drainMillis, () -> LastAnswer.drain(channel));
   }

   /**
    * The gateway's own {@code request} (unbind, TERMINATE) for a revoked account: no broker stop bounds the wait for its
    * {@code answer}, so the connection closes if it is still open {@code timeoutMillis} from now.
    */
   public static void closeIfUnansweredForRevokedAccount(Channel channel, long timeoutMillis, String answer, String request,
                                                          String accountId, Logger logger) {
      channel.eventLoop().schedule(() -> {
         if (channel.isActive()) {
            logger.info("No {} from '{}' ({}) within {} ms of the {} for its revoked account; closing",
                        answer, accountId, channel.remoteAddress(), timeoutMillis, request);
            channel.close();
         }
      }, timeoutMillis, TimeUnit.MILLISECONDS);
   }

   /**
    * On the broker executor: closes the account's broker session at a clean end; unacknowledged deliveries go back to
    * the queue at once, at their place ({@link SmsRemotingConnection#closeCleanly}). A failure is only logged at debug:
    * the connection's failure closes what is left.
    */
   public static void closeBrokerSession(ServerSession session, Logger logger, String request) {
      try {
         SmsRemotingConnection.closeCleanly(session);
      } catch (Exception e) {
         logger.debug("Closing broker session after {}", request, e);
      }
   }
}
