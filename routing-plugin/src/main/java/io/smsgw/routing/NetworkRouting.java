package io.smsgw.routing;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.NetworkRoutes;

/**
 * Routing towards other gateways for what no local route covers: the network's routes (the route cache of the
 * {@code gns} role) name the gateway, and the message leaves on that peer's queue {@code sms.gw.<code>}. Answers
 * never block (they run in divert transformers, often on a Netty event loop): a route not known yet is
 * {@link Outcome#PENDING}, and {@link #onAnswer} hears when the tandem answered.
 */
final class NetworkRouting {

   /** What the network's routes say about a message no local route covers. */
   enum Outcome {
      /** To this peer gateway. */
      GATEWAY,
      /** Not known yet, or the tandem cannot answer now: the message waits on the pending queue. */
      PENDING,
      /** The tandem has no route. */
      NO_ROUTE,
      /** The route names this gateway, which has no local route for it. */
      HOME_WITHOUT_LOCAL_ROUTE,
      /** The route names a gateway that is not among the configured peers. */
      NOT_A_PEER,
      /** No {@code gns} section: routing stays local. */
      NOT_CONFIGURED
   }

   record Decision(Outcome outcome, String gateway) {
   }

   private static final Decision PENDING = new Decision(Outcome.PENDING, null);
   private static final Decision NOT_CONFIGURED = new Decision(Outcome.NOT_CONFIGURED, null);

   private final GatewayRuntime runtime;
   private volatile Runnable onAnswer = () -> { };
   final LongAdder toGateways = new LongAdder();
   final LongAdder parked = new LongAdder();
   private final AtomicBoolean waitingForTandem = new AtomicBoolean();

   NetworkRouting(GatewayRuntime runtime) {
      this.runtime = runtime;
   }

   /** Called (on another thread) when a route the decisions were waiting for is answered or the tandem is back. */
   void onAnswer(Runnable listener) {
      this.onAnswer = listener;
   }

   /** Where an MT for {@code recipient} goes; the tandem is asked when the route is not known yet. */
   Decision mt(String recipient) {
      Optional<NetworkRoutes> routes = routes();
      if (routes == null) {
         return NOT_CONFIGURED;
      }
      return routes.map(r -> decide(r, r.mtGateway(recipient))).orElse(PENDING);
   }

   /** Where an MO for {@code serviceNumber} goes; the tandem is asked when the route is not known yet. */
   Decision mo(String serviceNumber) {
      Optional<NetworkRoutes> routes = routes();
      if (routes == null) {
         return NOT_CONFIGURED;
      }
      return routes.map(r -> decide(r, r.moGateway(serviceNumber))).orElse(PENDING);
   }

   /** The registered routes; empty while the gns role has not started; null when there is no gns section. */
   Optional<NetworkRoutes> routes() {
      GatewayConfig config = runtime.config();
      return config == null || config.gns() == null ? null : runtime.networkRoutes();
   }

   private Decision decide(NetworkRoutes routes, CompletionStage<Optional<String>> answer) {
      CompletableFuture<Optional<String>> future = answer.toCompletableFuture();
      if (!future.isDone()) {
         // Only an answer wakes a scan: a failure would be asked again at once, in a loop at network speed. The
         // periodic scan tries again, and the tandem's return wakes one (below).
         future.whenComplete((gateway, failure) -> {
            if (failure == null) {
               onAnswer.run();
            }
         });
         return PENDING;
      }
      if (future.isCompletedExceptionally()) {
         whenTandemBack(routes);
         return PENDING;
      }
      Optional<String> gateway = future.join();
      if (gateway.isEmpty()) {
         return new Decision(Outcome.NO_ROUTE, null);
      }
      GatewayConfig config = runtime.config();
      String code = gateway.get();
      if (code.equals(config.code())) {
         return new Decision(Outcome.HOME_WITHOUT_LOCAL_ROUTE, code);
      }
      if (!config.peers().containsKey(code)) {
         return new Decision(Outcome.NOT_A_PEER, code);
      }
      return new Decision(Outcome.GATEWAY, code);
   }

   /**
    * Hears once when the tandem is back, however many messages are waiting for it. While it is reachable the
    * failure was its answer: the periodic scan tries again, as a wake-up now would ask again at once.
    */
   void whenTandemBack(NetworkRoutes routes) {
      if (routes.whenAvailable().toCompletableFuture().isDone()) {
         return;
      }
      if (waitingForTandem.compareAndSet(false, true)) {
         routes.whenAvailable().whenComplete((ignored, failure) -> {
            waitingForTandem.set(false);
            onAnswer.run();
         });
      }
   }

   /**
    * The peer a forwarded message could be routed on to, from memory only (for the forwarding policy, on an event
    * loop): a known route to a configured peer other than this gateway and {@code fromGateway}; empty otherwise.
    */
   static Optional<String> knownPeer(CompletionStage<Optional<String>> answer, GatewayConfig config, String fromGateway) {
      CompletableFuture<Optional<String>> future = answer.toCompletableFuture();
      if (!future.isDone() || future.isCompletedExceptionally()) {
         return Optional.empty();
      }
      return future.join().filter(code -> !code.equals(config.code()) && !code.equals(fromGateway)
                                              && config.peers().containsKey(code));
   }
}
