package io.smsgw.core.runtime;

import java.util.List;

import io.smsgw.core.config.GatewayConfig;

/**
 * The FWD link service's part of a configuration reload, as {@link LinkReconfiguration} is the SMSC links': brings the
 * outgoing FWD links in line with the reloaded {@code peers}. A peer the reload added gets its link, one it removed has
 * its link stopped gracefully (what waits on {@code sms.gw.<code>} stays there), one whose link settings changed, or
 * whose TLS store files were replaced at the same paths, has its link stopped and started again; the others are left
 * alone. Registered on the {@link GatewayRuntime} while the service runs; called on the reloader's thread, one reload
 * at a time.
 */
@FunctionalInterface
public interface PeerReconfiguration {

   /**
    * Applies {@code config}'s {@code peers}, blocking until removed and changed links have stopped (at most about their
    * response-timeout plus the TERMINATE wait) and the new ones are started. Never on a Netty event loop.
    *
    * @return one line per link it could not bring in line, saying how it was left; empty when all are
    */
   List<String> apply(GatewayConfig config);
}
