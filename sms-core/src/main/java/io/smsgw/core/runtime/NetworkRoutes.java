package io.smsgw.core.runtime;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The routes of the gateway network (learned from the tandem gateway), as the routing plugin needs them: which
 * gateway serves an MT recipient's number segment, which gateway serves an MO's service number. The CMPP module
 * implements it with its route cache and registers it on the {@link GatewayRuntime} when {@code sms-gateway.conf}
 * has a {@code gns} section; the routing plugin only knows this interface, so it does not depend on CMPP.
 *
 * <p>Answers never block and may be asked on a Netty event loop:
 * <ul>
 *   <li>a stage that is already complete answers from memory: the gateway's code, or empty when the tandem
 *       has no route (remembered until the routes change);</li>
 *   <li>a stage not yet complete means the tandem is being asked; it completes on another thread;</li>
 *   <li>a stage that fails means the tandem could not answer now (unreachable, busy, refused): ask again once
 *       {@link #whenAvailable()} completes.</li>
 * </ul>
 */
public interface NetworkRoutes {

   /** The gateway whose number segment contains {@code recipient} (a mobile number, 86/+86/0086 allowed). */
   CompletionStage<Optional<String>> mtGateway(String recipient);

   /** The gateway serving the longest SP_Code {@code serviceNumber} starts with, for this gateway's region. */
   CompletionStage<Optional<String>> moGateway(String serviceNumber);

   /** Completes once the tandem is reachable and the routes are loaded (at once when they are). */
   CompletionStage<Void> whenAvailable();
}
