package io.smsgw.broker;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import org.slf4j.Logger;

/**
 * The limit on a session end the peer asked for (SMPP unbind, CMPP TERMINATE). Its answer waits for the answers owed
 * before it, and one of those can wait on a held queue that is stuck (a consumer hanging in a network write): a peer
 * that keeps sending enquire_link or ACTIVE_TEST meanwhile would keep the connection, and its account's session slot,
 * for ever. Past the limit the connection is closed without the answer (decision 64).
 */
public final class SessionEndDeadline {

   private SessionEndDeadline() {
   }

   /**
    * Closes {@code channel} if it is still open {@code millis} after now, with a warning on the session's logger.
    *
    * @param request what the peer sent to end the session, for the log
    * @param peer    who sent it, for the log
    */
   public static void closeIfNotEndedWithin(Channel channel, long millis, String request, String peer, Logger logger) {
      channel.eventLoop().schedule(() -> {
         if (channel.isActive()) {
            logger.warn("{} from '{}' not answered within {} ms (an answer owed before it is held up); closing",
                        request, peer, millis);
            channel.close();
         }
      }, millis, TimeUnit.MILLISECONDS);
   }
}
