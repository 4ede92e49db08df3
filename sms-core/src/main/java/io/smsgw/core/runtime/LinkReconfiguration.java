package io.smsgw.core.runtime;

import java.util.List;

import io.smsgw.core.config.SmscLinkConfig;

/**
 * The SMSC link service's part of a configuration reload: brings the running links in line with the reloaded
 * {@code links} section. A link the reload added starts, one it removed stops (unbinding as at a broker stop), one
 * whose settings changed, or whose TLS store files were replaced at the same paths, stops and starts again with them,
 * and an unchanged one is left alone. Registered on the
 * {@link GatewayRuntime} while the link service runs; the routing plugin's reloader calls it on its own thread, one
 * reload at a time, before it routes again what waits for removed links.
 */
@FunctionalInterface
public interface LinkReconfiguration {

   /**
    * Applies {@code links}, blocking until the removed and changed links have stopped (at most about their
    * response-timeout) and the new ones are started. Never on a Netty event loop.
    *
    * @return one line per link it could not bring in line, saying how it was left (a store that no longer loads: the
    *         link keeps running as it was); empty when all are
    */
   List<String> apply(List<SmscLinkConfig> links);
}
