package io.smsgw.cmpp.fwd;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.smsgw.broker.LogText;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.config.CidrBlock;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.config.TlsPeerIdentity;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.IncomingForwardPolicy;
import io.smsgw.core.runtime.GatewayRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer gateways of one broker as the CMPP acceptor sees them: which CONNECTs are peers opening a FWD
 * session, their authentication, and the {@link ForwardingPolicy} in force. Peers are read from the
 * configuration in force, so a reload changes them.
 */
public final class FwdPeers {

   private static final Map<GatewayRuntime, FwdPeers> BY_RUNTIME = new WeakHashMap<>();
   /** The refused-FWD lines keep the category they had when FwdSessionHandler wrote them. */
   private static final Logger logger = LoggerFactory.getLogger(FwdSessionHandler.class);
   /** A peer's FWDs refused for what they carry are logged at most this often (with how many since). */
   private static final long REFUSED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

   /** Per sending peer: FWDs refused for what they carry, and the rate limit of their log line. */
   private static final class RefusedFwds {
      final LongAdder total = new LongAdder();
      final LongAdder sinceLine = new LongAdder();
      final AtomicLong lastLineNanos = new AtomicLong(System.nanoTime() - REFUSED_LOG_INTERVAL_NANOS);
   }

   private final Map<String, RefusedFwds> refusedFwds = new ConcurrentHashMap<>();

   private final GatewayRuntime runtime;
   /** Set explicitly with {@link #setPolicy}; null: the runtime's protocol-neutral policy decides. */
   private volatile ForwardingPolicy policy;
   private final ForwardingPolicy runtimePolicy;
   /** Which peer each forwarded MT went to; null while no FWD links run (then reports are not checked against it). */
   private volatile FwdForwards forwards;

   private FwdPeers(GatewayRuntime runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.runtimePolicy = (fromGateway, fwd) -> runtime.forwardPolicy().accepts(forward(fromGateway, fwd));
   }

   /** The peers of this broker's runtime, created on first use. */
   public static FwdPeers of(GatewayRuntime runtime) {
      synchronized (BY_RUNTIME) {
         return BY_RUNTIME.computeIfAbsent(runtime, FwdPeers::new);
      }
   }

   /**
    * The policy in force: one set with {@link #setPolicy}, otherwise the runtime's
    * {@link GatewayRuntime#forwardPolicy()} (which the routing plugin installs; accept-all without it).
    */
   public ForwardingPolicy policy() {
      ForwardingPolicy explicit = policy;
      return explicit != null ? explicit : runtimePolicy;
   }

   /** Installs the policy incoming FWDs are checked against (null restores the runtime's). */
   public void setPolicy(ForwardingPolicy policy) {
      this.policy = policy;
   }

   /** A FWD as the protocol-neutral policy sees it; a report's Msg_Id is the id of the message it reports on. */
   static IncomingForwardPolicy.Forward forward(String fromGateway, Fwd fwd) {
      SmsKind kind = switch (fwd.msgFwdType()) {
         case Fwd.TYPE_MT -> SmsKind.MT;
         case Fwd.TYPE_MO -> SmsKind.MO;
         default -> SmsKind.DR;
      };
      // FwdSessionHandler refuses any FWD whose DestUsr_tl is not 1 before asking the policy.
      String recipient = fwd.destIds().isEmpty() ? "" : fwd.destIds().get(0);
      return new IncomingForwardPolicy.Forward(fromGateway, kind, fwd.msgFwdType() == Fwd.TYPE_MO_REPORT, recipient,
                                               CmppMsgId.toHex(fwd.msgId()), fwd.nodesCount());
   }

   /** The forwards the outgoing links remember, or null while they do not run. */
   public FwdForwards forwards() {
      return forwards;
   }

   /** Set by {@link FwdLinkService} while it runs. */
   void setForwards(FwdForwards forwards) {
      this.forwards = forwards;
   }

   /**
    * Counts a FWD from {@code peer} refused for what it carries (Source_Id or Destination_Id not the peer's and ours,
    * a structure problem) and logs it at INFO, at most once per 10 s per peer with how many were refused since: a peer
    * sending such FWDs in a loop writes a line every 10 s, not one per FWD. {@code what} (built only for a line) quotes
    * the peer's strings escaped with {@link LogText#safe}.
    */
   void refusedFwd(String peer, int result, java.util.function.Supplier<String> what) {
      RefusedFwds c = refusedFwds.get(peer);
      if (c == null) {
         c = refusedFwds.computeIfAbsent(peer, p -> new RefusedFwds());
      }
      c.total.increment();
      c.sinceLine.increment();
      long now = System.nanoTime();
      long last = c.lastLineNanos.get();
      if (now - last >= REFUSED_LOG_INTERVAL_NANOS && c.lastLineNanos.compareAndSet(last, now)) {
         logger.info("FWD from peer {} refused (Result {}): {} ({} FWD(s) of this peer refused for what they carry in the last "
                     + "10 s, {} in all; at most one such line per 10 s)", peer, result, what.get(), c.sinceLine.sumThenReset(),
                     c.total.sum());
      }
   }

   /** FWDs from {@code peer} refused for what they carry (Result 9 for the wrong gateway codes, Result 1 otherwise). */
   public long fwdsRefused(String peer) {
      RefusedFwds c = refusedFwds.get(peer);
      return c == null ? 0 : c.total.sum();
   }

   /** The configured peers' codes other than {@code code}. */
   List<String> otherPeers(String code) {
      GatewayConfig config = runtime.isConfigured() ? runtime.config() : null;
      return config == null ? List.of() : config.peers().keySet().stream().filter(p -> !p.equals(code)).toList();
   }

   GatewayRuntime runtime() {
      return runtime;
   }

   /** The configured peer with this code, or null. */
   PeerConfig peer(String code) {
      GatewayConfig config = runtime.isConfigured() ? runtime.config() : null;
      return config == null ? null : config.peers().get(code);
   }

   /** Whether a CONNECT from {@code sourceAddr} is a configured peer gateway opening a FWD session. */
   public boolean isPeer(String sourceAddr) {
      return peer(sourceAddr) != null;
   }

   /**
    * The addresses a peer's CONNECT may come from (its {@code allowed-ips}, else its host's addresses at the last
    * load); empty for a code that is no peer.
    */
   public List<CidrBlock> allowedSources(String code) {
      PeerConfig peer = peer(code);
      return peer == null ? List.of() : peer.allowedIps();
   }

   /** The certificate a peer must present over TLS ({@code tls-peer-name}, {@code tls-peer-sha256}); NONE: any. */
   public TlsPeerIdentity identity(String code) {
      PeerConfig peer = peer(code);
      return peer == null ? TlsPeerIdentity.NONE : peer.tls().peer();
   }

   /** The FWD sessions a peer may have open at once; 0 for a code that is no peer. */
   public int maxSessions(String code) {
      PeerConfig peer = peer(code);
      return peer == null ? 0 : peer.maxSessions();
   }

   /**
    * CONNECT Status for a peer: 0, 2 for an unknown one, or 3 when the authenticator does not match its secret. The
    * acceptor refuses a stale Timestamp before and a replayed CONNECT after this (cmppConnectTimeSkew).
    */
   public int checkConnect(Connect connect) {
      PeerConfig peer = peer(connect.sourceAddr());
      if (peer == null) {
         return CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR;
      }
      return CmppAuthenticator.verifySource(connect, peer.sharedSecret())
         ? CmppResult.CONNECT_OK : CmppResult.CONNECT_AUTHENTICATION_ERROR;
   }

   /** AuthenticatorISMG of the successful CONNECT_RESP to a peer. */
   public byte[] authenticatorIsmg(Connect connect, CmppVersion version) {
      PeerConfig peer = peer(connect.sourceAddr());
      return CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(),
                                                 peer == null ? "" : peer.sharedSecret(), version);
   }
}
