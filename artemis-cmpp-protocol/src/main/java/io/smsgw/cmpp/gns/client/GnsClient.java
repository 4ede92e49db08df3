package io.smsgw.cmpp.gns.client;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.PduChannelHandler;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.broker.PduHandler;
import io.smsgw.broker.TlsClientContexts;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppRefusableRequest;
import io.smsgw.cmpp.codec.CmppRequest;
import io.smsgw.cmpp.codec.CmppResponse;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.GetMoRoute;
import io.smsgw.cmpp.codec.GetMoRouteResp;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.GetMtRouteResp;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.MoRoute;
import io.smsgw.cmpp.codec.MoRouteResp;
import io.smsgw.cmpp.codec.MoRouteUpdate;
import io.smsgw.cmpp.codec.MoRouteUpdateResp;
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.MtRouteResp;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdateResp;
import io.smsgw.cmpp.codec.PushMoRouteUpdate;
import io.smsgw.cmpp.codec.PushMtRouteUpdate;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.config.GnsClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's CMPP connection to the tandem gateway (GNS): CONNECT with the gateway's own code and
 * {@code gns.shared-secret}, then route requests, each answered asynchronously or failed with a
 * {@link GnsQueryException} (never blocking the caller). At most {@value #WINDOW} requests are in flight; more
 * wait in a bounded queue. The connection is kept open, so the tandem can push route changes; a lost or refused
 * connection is retried with a doubling backoff. ACTIVE_TEST probes an idle connection.
 *
 * <p>Everything runs on one event loop; futures complete there, so callbacks must not block.
 */
public final class GnsClient implements AutoCloseable {

   private static final Logger logger = LoggerFactory.getLogger(GnsClient.class);

   /** The spec's W: requests outstanding per connection. */
   public static final int WINDOW = 16;
   /** Requests waiting for the window before new ones are refused as BUSY. */
   public static final int MAX_WAITING = 10_000;
   /** GNS PDUs are at most 108 octets. */
   private static final int MAX_PDU_SIZE = 4096;
   private static final long ACTIVE_TEST_INTERVAL_SECONDS = 60;

   /** Connection states. */
   public enum State { NEW, CONNECTING, CONNECTED, CLOSED }

   /** What the owner of the client (the route cache) hears; called on the client's event loop. */
   public interface Listener {

      /** CONNECT was accepted; requests can be sent. */
      void onConnected();

      /** The connection was lost; it is being retried. */
      void onDisconnected();

      /** A pushed MT route change; returns the Result to answer (0, or a GNS code such as 6). */
      int onPush(PushMtRouteUpdate push);

      /** A pushed MO route change; returns the Result to answer. */
      int onPush(PushMoRouteUpdate push);
   }

   private final GnsClientConfig config;
   private final String gatewayCode;
   private final Clock clock;
   private final EventLoop loop;
   private final EventLoopGroup ownedGroup;
   private final Bootstrap bootstrap;
   /** TLS towards the tandem (built once by the owner, decision 143), or null for plain text. */
   private final SslContext ssl;
   /** Looks the tandem's host name up (off the event loop) before each connect. */
   private final LinkBootstrap.HostLookup lookup;
   /** A TLS failure was logged since the client last connected: the next ones of this episode go to DEBUG. */
   private boolean tlsFailureLogged;
   /** A CONNECT_RESP whose AuthenticatorISMG did not verify was logged since the client last connected. */
   private boolean ismgFailureLogged;
   /** A failed lookup of the tandem's host name was logged since the client last connected (next ones: DEBUG). */
   private boolean lookupFailureLogged;
   /** Why the last CONNECT was not taken although the tandem answered Status 0; empty once connected. */
   private volatile String lastError = "";
   /** The connection whose TLS failure was handled (the handshake event and the exception both report it). */
   private Channel tlsFailedChannel;

   // State below is confined to the event loop; state and lastConnectStatus are also read elsewhere.
   private volatile State state = State.NEW;
   private volatile int lastConnectStatus = -1;
   private Listener listener;
   private Channel channel;
   private Connect sentConnect;
   private ScheduledFuture<?> connectTimer;
   private long backoffMillis;
   private int sequence;
   private final Map<Integer, Pending<?>> inFlight = new HashMap<>();
   private final ArrayDeque<Pending<?>> waiting = new ArrayDeque<>();
   /** The connection {@link #close()} sent TERMINATE on, waiting for TERMINATE_RESP (event loop). */
   private Channel terminating;
   /** How long {@link #close()} waits for the tandem's TERMINATE_RESP (capped by the query timeout), as a FWD link's stop. */
   static final long TERMINATE_WAIT_MILLIS = 2_000;

   /** A client with its own single-threaded event loop, shut down by {@link #close()}. */
   public GnsClient(GnsClientConfig config, String gatewayCode) {
      this(config, gatewayCode, null, Clock.systemDefaultZone());
   }

   /**
    * @param group where the client's event loop comes from (one loop is picked and kept); null for a group of
    *              its own, shut down by {@link #close()}
    * @param clock for the CONNECT Timestamp
    */
   public GnsClient(GnsClientConfig config, String gatewayCode, EventLoopGroup group, Clock clock) {
      this(config, gatewayCode, group, clock, null);
   }

   /**
    * As above, over TLS with {@code ssl} when not null: the context of {@code config.tls()}, built by the caller once
    * (at the broker's start), not per connection on the event loop.
    */
   public GnsClient(GnsClientConfig config, String gatewayCode, EventLoopGroup group, Clock clock, SslContext ssl) {
      this(config, gatewayCode, group, clock, ssl, LinkBootstrap.SYSTEM);
   }

   /** As above, looking the tandem's host name up with {@code lookup} (tests: a slow or failing DNS). */
   GnsClient(GnsClientConfig config, String gatewayCode, EventLoopGroup group, Clock clock, SslContext ssl,
             LinkBootstrap.HostLookup lookup) {
      this.lookup = Objects.requireNonNull(lookup, "lookup");
      this.config = Objects.requireNonNull(config, "config");
      this.ssl = ssl;
      this.gatewayCode = Objects.requireNonNull(gatewayCode, "gatewayCode");
      this.clock = Objects.requireNonNull(clock, "clock");
      this.ownedGroup = group == null ? new NioEventLoopGroup(1) : null;
      this.loop = (group == null ? ownedGroup : group).next();
      this.backoffMillis = config.reconnectMin().toMillis();
      this.bootstrap = new Bootstrap()
         .group(loop)
         .channel(NioSocketChannel.class)
         // Connects only to the address connect() looked up off the loop: Netty's default resolver blocks the loop.
         .resolver(NoopAddressResolverGroup.INSTANCE)
         .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.queryTimeout().toMillis()))
         .option(ChannelOption.TCP_NODELAY, true)
         .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
               if (ssl != null) {
                  // The CONNECT written once TCP connects waits in the SslHandler until the handshake is done. The
                  // configured host name, not the address it resolved to: SNI and the certificate's host check need it.
                  ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), config.host(), config.port()));
               }
               ch.pipeline()
                  .addLast("cmpp-frame", new PduFrameDecoder("CMPP", CmppCodec.HEADER_LENGTH, MAX_PDU_SIZE))
                  .addLast("cmpp-decoder", new CmppPduDecoder())
                  .addLast("cmpp-encoder", new CmppPduEncoder())
                  .addLast("idle", new IdleStateHandler(ACTIVE_TEST_INTERVAL_SECONDS, 0, 0, TimeUnit.SECONDS));
               Handler handler = new Handler(ch);
               // Reads only while the tandem takes what the client writes; everything it sends is answered at once.
               ch.pipeline()
                  .addLast("read-gate", PduChannelHandler.forLink(CmppPdu.class, "GNS client", Integer.MAX_VALUE, handler))
                  .addLast("gns-client", handler);
            }
         });
   }

   public String gatewayCode() {
      return gatewayCode;
   }

   public GnsClientConfig config() {
      return config;
   }

   public State state() {
      return state;
   }

   /** Status of the last CONNECT_RESP (0 accepted, 3 bad secret, ...), -1 before the first. */
   public int lastConnectStatus() {
      return lastConnectStatus;
   }

   /** Why the tandem's last Status 0 was not taken (its AuthenticatorISMG did not verify); empty once connected. */
   public String lastError() {
      return lastError;
   }

   EventLoop eventLoop() {
      return loop;
   }

   /** The connection to the tandem, or null, read on the client's event loop (tests, diagnostics); never on that loop. */
   Channel channelNow() throws Exception {
      return loop.submit(() -> channel).get(10, TimeUnit.SECONDS);
   }

   /** Connects, and keeps reconnecting until {@link #close()}; {@code listener} hears about it. */
   public void start(Listener listener) {
      Objects.requireNonNull(listener, "listener");
      loop.execute(() -> {
         if (state == State.NEW) {
            this.listener = listener;
            connect();
         }
      });
   }

   // ---------------------------------------------------------------- requests

   /** MT_ROUTE: which gateway serves {@code terminalId}. */
   public CompletionStage<MtRouteResp> mtRoute(String terminalId) {
      return request(seq -> new MtRoute(seq, gatewayCode, terminalId), MtRouteResp.class);
   }

   /** MO_ROUTE: which gateway serves SP_Code {@code spCode} for this gateway (Service_Code 0). */
   public CompletionStage<MoRouteResp> moRoute(String spCode, String serviceId) {
      return request(seq -> new MoRoute(seq, gatewayCode, spCode, serviceId, 0L), MoRouteResp.class);
   }

   /** GET_MT_ROUTE: the MT route after {@code lastRouteId} ({@link GetMtRoute#FIRST} for the first). */
   public CompletionStage<GetMtRouteResp> getMtRoute(int lastRouteId) {
      return request(seq -> new GetMtRoute(seq, gatewayCode, "MT", lastRouteId), GetMtRouteResp.class);
   }

   /** GET_MO_ROUTE: the MO route after {@code lastRouteId} ({@link GetMtRoute#FIRST} for the first). */
   public CompletionStage<GetMoRouteResp> getMoRoute(int lastRouteId) {
      return request(seq -> new GetMoRoute(seq, gatewayCode, "MO", lastRouteId), GetMoRouteResp.class);
   }

   /** MT_ROUTE_UPDATE; the update's Sequence_Id is replaced by the client's. */
   public CompletionStage<MtRouteUpdateResp> updateMtRoute(MtRouteUpdate u) {
      return request(seq -> new MtRouteUpdate(seq, u.updateType(), u.routeId(), u.destinationId(), u.gatewayIp(),
                                              u.gatewayPort(), u.startId(), u.endId(), u.areaCode(), u.userType()),
                     MtRouteUpdateResp.class);
   }

   /** MO_ROUTE_UPDATE; the update's Sequence_Id is replaced by the client's. */
   public CompletionStage<MoRouteUpdateResp> updateMoRoute(MoRouteUpdate u) {
      return request(seq -> new MoRouteUpdate(seq, u.updateType(), u.routeId(), u.destinationId(), u.gatewayIp(),
                                              u.gatewayPort(), u.spId(), u.spCode(), u.spAccessType(), u.serviceId(),
                                              u.startCode(), u.endCode()),
                     MoRouteUpdateResp.class);
   }

   /**
    * Sends the request {@code build} makes for a Sequence_Id and completes with its response of type
    * {@code responseType}, or fails with a {@link GnsQueryException}.
    */
   <R extends CmppResponse> CompletableFuture<R> request(IntFunction<? extends CmppRequest> build, Class<R> responseType) {
      Pending<R> pending = new Pending<>(build, responseType);
      try {
         loop.execute(() -> enqueue(pending));
      } catch (RejectedExecutionException e) {
         pending.future.completeExceptionally(new GnsQueryException(GnsQueryException.Reason.UNAVAILABLE, "GNS client closed"));
      }
      return pending.future;
   }

   private void enqueue(Pending<?> pending) {
      if (state != State.CONNECTED) {
         pending.fail(GnsQueryException.Reason.UNAVAILABLE, "not connected to the tandem gateway " + address()
            + (lastConnectStatus > 0 ? " (last CONNECT refused with status " + lastConnectStatus + ")"
               : lastError.isEmpty() ? "" : " (" + lastError + ")"), null);
         return;
      }
      pending.timer = loop.schedule(() -> onTimeout(pending), config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (inFlight.size() < WINDOW) {
         transmit(pending);
      } else if (waiting.size() < MAX_WAITING) {
         waiting.add(pending);
      } else {
         pending.fail(GnsQueryException.Reason.BUSY, MAX_WAITING + " requests already wait for the tandem gateway", null);
      }
   }

   private void transmit(Pending<?> pending) {
      int seq = nextSequence();
      CmppRequest pdu;
      try {
         pdu = pending.build.apply(seq);
      } catch (RuntimeException e) {
         pending.fail(GnsQueryException.Reason.INVALID_REQUEST, "cannot build the request: " + e.getMessage(), e);
         return;
      }
      pending.sequence = seq;
      inFlight.put(seq, pending);
      Channel ch = channel;
      ch.writeAndFlush(pdu).addListener((ChannelFutureListener) written -> {
         if (!written.isSuccess() && inFlight.remove(seq, pending)) {
            Throwable cause = written.cause();
            boolean invalid = cause instanceof EncoderException && cause.getCause() instanceof IllegalArgumentException;
            pending.fail(invalid ? GnsQueryException.Reason.INVALID_REQUEST : GnsQueryException.Reason.UNAVAILABLE,
                         pdu.commandName() + " could not be sent: " + (invalid ? cause.getCause().getMessage() : cause), cause);
            pump();
         }
      });
   }

   private void onTimeout(Pending<?> pending) {
      if (inFlight.remove(pending.sequence, pending) || waiting.remove(pending)) {
         pending.fail(GnsQueryException.Reason.TIMEOUT, "no answer from the tandem gateway within " + config.queryTimeout(), null);
         pump();
      }
   }

   private void pump() {
      while (state == State.CONNECTED && inFlight.size() < WINDOW && !waiting.isEmpty()) {
         transmit(waiting.poll());
      }
   }

   private void failAll(String why) {
      List<Pending<?>> all = new ArrayList<>(inFlight.values());
      all.addAll(waiting);
      inFlight.clear();
      waiting.clear();
      all.forEach(p -> p.fail(GnsQueryException.Reason.UNAVAILABLE, why, null));
   }

   private int nextSequence() {
      return ++sequence;
   }

   // ---------------------------------------------------------------- connection

   private void connect() {
      if (state == State.CLOSED) {
         return;
      }
      state = State.CONNECTING;
      // Looked up off the event loop before each attempt (a changed DNS entry is seen), then connected to the address.
      LinkBootstrap.resolve(loop, config.host(), config.port(), lookup).addListener(resolved -> {
         if (state == State.CLOSED) {
            return;
         }
         if (!resolved.isSuccess()) {
            lookupFailed(LinkBootstrap.failureCause(resolved));
            return;
         }
         ChannelFuture connecting = bootstrap.connect((java.net.InetSocketAddress) resolved.getNow());
         Channel ch = connecting.channel();
         channel = ch;
         connecting.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
               sendConnect(ch);
            } else if (channel == ch) {
               logger.info("Cannot reach the tandem gateway {}: {}", address(), done.cause().toString());
               channel = null;
               scheduleReconnect();
            }
         });
      });
   }

   /** The tandem's host name did not resolve: retried with the backoff of a failed connect, a WARN once per episode. */
   private void lookupFailed(String cause) {
      if (!lookupFailureLogged) {
         lookupFailureLogged = true;
         logger.warn("Cannot reach the tandem gateway {}: host name {} not resolved: {}; retrying with the gns backoff "
                     + "(logged again once it connected)", address(), config.host(), cause);
      } else {
         logger.debug("Cannot reach the tandem gateway {}: host name {} not resolved: {}", address(), config.host(), cause);
      }
      scheduleReconnect();
   }

   private void sendConnect(Channel ch) {
      long timestamp = CmppTimestamp.forConnect(clock, gatewayCode);
      byte[] authenticator = CmppAuthenticator.authenticatorSource(gatewayCode, config.sharedSecret(), timestamp);
      sentConnect = new Connect(nextSequence(), gatewayCode, authenticator, CmppVersion.V30.code(), timestamp);
      ch.writeAndFlush(sentConnect);
      connectTimer = loop.schedule(() -> {
         if (channel == ch && state == State.CONNECTING) {
            logger.info("No CONNECT_RESP from the tandem gateway {} within {}; reconnecting", address(), config.queryTimeout());
            ch.close();
         }
      }, config.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
   }

   private void onConnectResp(Channel ch, ConnectResp resp) {
      if (state != State.CONNECTING || sentConnect == null || resp.sequenceId() != sentConnect.sequenceId()) {
         logger.debug("Ignoring an unexpected CONNECT_RESP from {}", address());
         return;
      }
      connectTimer.cancel(false);
      lastConnectStatus = resp.status();
      if (!resp.isOk()) {
         logger.warn("The tandem gateway {} refused CONNECT of gateway {}: status {}{}", address(), gatewayCode, resp.status(),
                     resp.status() == CmppResult.CONNECT_AUTHENTICATION_ERROR ? " (check gns.shared-secret)" : "");
         ch.close();
         return;
      }
      // Hashed with the Status width of the version the CONNECT offered, as this project's tandem does.
      if (config.verifyIsmg() && !CmppAuthenticator.verifyIsmg(resp, sentConnect.authenticatorSource(),
            config.sharedSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8), CmppVersion.fromByte(sentConnect.version()))) {
         onIsmgMismatch(ch);
         return;
      }
      state = State.CONNECTED;
      lastError = "";
      backoffMillis = config.reconnectMin().toMillis();
      tlsFailureLogged = false;
      ismgFailureLogged = false;
      lookupFailureLogged = false;
      logger.info("Gateway {} connected to the tandem gateway {}{}", gatewayCode, address(), ssl == null ? "" : " (TLS)");
      notifyListener(Listener::onConnected);
   }

   /**
    * The tandem answered Status 0 without proving it knows {@code gns.shared-secret} (an AuthenticatorISMG that does
    * not verify, e.g. all zero): whoever answers on its address is not taken for the tandem, or it could hand out
    * routes. Closed and retried with the backoff of a failed connect; logged once per episode (until the client connects
    * again), {@link #lastError()} always says it. {@code gns.verify-ismg = false} turns the check off for a tandem of
    * another vendor that hashes Status at another width.
    */
   private void onIsmgMismatch(Channel ch) {
      lastError = "the CONNECT_RESP of the tandem gateway " + address() + " failed the AuthenticatorISMG check: it does "
         + "not prove that the tandem knows gns.shared-secret; connection refused";
      if (!ismgFailureLogged) {
         ismgFailureLogged = true;
         logger.warn("Gateway {}: {}. Retrying with the gns backoff (logged again once it connected; gns.verify-ismg = false "
                     + "accepts a tandem that hashes Status at another width)", gatewayCode, lastError);
      } else {
         logger.debug("Gateway {}: {}", gatewayCode, lastError);
      }
      ch.close();
   }

   private void onClosed(Channel ch) {
      if (channel != ch) {
         return;
      }
      channel = null;
      if (connectTimer != null) {
         connectTimer.cancel(false);
      }
      boolean wasConnected = state == State.CONNECTED;
      failAll("the connection to the tandem gateway " + address() + " was lost");
      if (state != State.CLOSED) {
         state = State.CONNECTING;
         if (wasConnected) {
            logger.warn("Lost the connection to the tandem gateway {}; cached routes keep serving", address());
            notifyListener(Listener::onDisconnected);
         }
         scheduleReconnect();
      }
   }

   private void scheduleReconnect() {
      if (state == State.CLOSED) {
         return;
      }
      long delay = backoffMillis;
      backoffMillis = Math.min(backoffMillis * 2, config.reconnectMax().toMillis());
      loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
   }

   private void notifyListener(java.util.function.Consumer<Listener> call) {
      try {
         call.accept(listener);
      } catch (RuntimeException e) {
         logger.warn("GNS client listener failed", e);
      }
   }

   private String address() {
      return config.host() + ":" + config.port();
   }

   /**
    * Closes the connection and stops reconnecting; requests still open fail as UNAVAILABLE. A connected client ends
    * the session as CMPP expects (the broker stops): TERMINATE, and the close at the
    * tandem's TERMINATE_RESP or after {@link #TERMINATE_WAIT_MILLIS} (at most the query timeout), as a FWD link's stop.
    * Called off the event loop, it returns once the connection has closed; on it, at once.
    */
   @Override
   public void close() {
      java.util.concurrent.atomic.AtomicReference<Channel> ending = new java.util.concurrent.atomic.AtomicReference<>();
      Runnable shutdown = () -> {
         boolean connected = state == State.CONNECTED;
         state = State.CLOSED;
         failAll("GNS client closed");
         Channel ch = channel;
         channel = null;
         if (ch == null) {
            return;
         }
         if (connected && ch.isActive()) {
            terminating = ch;
            ending.set(ch);
            ch.writeAndFlush(new Terminate(nextSequence()));
            loop.schedule(() -> ch.close(), terminateWaitMillis(), TimeUnit.MILLISECONDS);
         } else {
            ch.close();
         }
      };
      if (loop.inEventLoop()) {
         shutdown.run();
      } else {
         try {
            loop.submit(shutdown).awaitUninterruptibly();
            Channel ch = ending.get();
            if (ch != null) {
               // The scheduled close ends the wait; the margin only guards against a loop that stopped meanwhile.
               ch.closeFuture().awaitUninterruptibly(terminateWaitMillis() + 1_000);
            }
         } catch (RejectedExecutionException e) {
            state = State.CLOSED;
         }
      }
      if (ownedGroup != null) {
         ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
   }

   private long terminateWaitMillis() {
      return Math.max(1, Math.min(TERMINATE_WAIT_MILLIS, config.queryTimeout().toMillis()));
   }

   /**
    * What the tandem sends on a connection the client is closing: TERMINATE_RESP (or the tandem's own TERMINATE,
    * answered) closes it, ACTIVE_TEST is still answered; requests and pushes are no longer taken.
    */
   private void onPduWhileTerminating(Channel ch, CmppPdu pdu) {
      if (pdu instanceof TerminateResp) {
         ch.close();
      } else if (pdu instanceof Terminate terminate) {
         ch.writeAndFlush(terminate.response()).addListener(ChannelFutureListener.CLOSE);
      } else if (pdu instanceof ActiveTest test) {
         ch.writeAndFlush(test.response());
      } else {
         logger.debug("Ignoring {} from the tandem gateway {} while terminating", pdu.commandName(), address());
      }
   }

   // ---------------------------------------------------------------- inbound

   private void onPdu(Channel ch, CmppPdu pdu) {
      if (pdu instanceof ConnectResp resp) {
         onConnectResp(ch, resp);
      } else if (state != State.CONNECTED) {
         logger.debug("Ignoring {} before CONNECT_RESP from {}", pdu.commandName(), address());
      } else if (pdu instanceof CmppResponse resp) {
         onResponse(resp);
      } else if (pdu instanceof ActiveTest test) {
         ch.writeAndFlush(test.response());
      } else if (pdu instanceof Terminate terminate) {
         logger.info("The tandem gateway {} terminated the connection", address());
         ch.writeAndFlush(terminate.response()).addListener(ChannelFutureListener.CLOSE);
      } else if (pdu instanceof PushMtRouteUpdate push) {
         ch.writeAndFlush(push.response(pushResult(() -> listener.onPush(push))));
      } else if (pdu instanceof PushMoRouteUpdate push) {
         ch.writeAndFlush(push.response(pushResult(() -> listener.onPush(push))));
      } else if (pdu instanceof MalformedCmppPdu malformed) {
         onMalformed(ch, malformed);
      } else if (pdu instanceof CmppRefusableRequest request) {
         ch.writeAndFlush(request.errorResponse(CmppResult.COMMAND_ERROR));
      } else {
         logger.debug("Ignoring {} from the tandem gateway {}", pdu.commandName(), address());
      }
   }

   private int pushResult(java.util.function.IntSupplier apply) {
      try {
         return apply.getAsInt();
      } catch (RuntimeException e) {
         logger.warn("Applying a route push failed", e);
         return CmppResult.GNS_UPDATE_FAILED;
      }
   }

   private void onResponse(CmppResponse resp) {
      Pending<?> pending = inFlight.remove(resp.sequenceId());
      if (pending == null) {
         logger.debug("Ignoring {} for no open request (Sequence_Id {}, answered too late?)", resp.commandName(), resp.sequenceId());
         return;
      }
      pending.complete(resp);
      pump();
   }

   private void onMalformed(Channel ch, MalformedCmppPdu malformed) {
      logger.info("Malformed {} from the tandem gateway {}: {}", malformed.commandName(), address(), malformed.reason());
      if (malformed.isResponse()) {
         Pending<?> pending = inFlight.remove(malformed.sequenceId());
         if (pending != null) {
            pending.fail(GnsQueryException.Reason.PROTOCOL_ERROR, "malformed " + malformed.commandName() + ": " + malformed.reason(), null);
            pump();
         }
         return;
      }
      boolean push = malformed.commandId() == CmppCommandId.PUSH_MT_ROUTE_UPDATE
         || malformed.commandId() == CmppCommandId.PUSH_MO_ROUTE_UPDATE;
      malformed.errorResponse(push ? CmppResult.GNS_UPDATE_FAILED : CmppResult.STRUCTURE_ERROR).ifPresent(ch::writeAndFlush);
   }

   private void probe(Channel ch) {
      if (state != State.CONNECTED || channel != ch) {
         return;
      }
      request(ActiveTest::new, ActiveTestResp.class).whenComplete((resp, failure) -> {
         if (failure != null && channel == ch) {
            logger.info("ACTIVE_TEST to the tandem gateway {} unanswered; reconnecting", address());
            ch.close();
         }
      });
   }

   /** Netty's view of one connection attempt; everything is handed to the client on the event loop. */
   private final class Handler extends ChannelInboundHandlerAdapter implements PduHandler<CmppPdu> {

      private final Channel ch;

      Handler(Channel ch) {
         this.ch = ch;
      }

      /** What the read gate in front of this handler hands over (it releases the PDU afterwards). */
      @Override
      public void onPdu(CmppPdu pdu) {
         if (channel == ch) {
            GnsClient.this.onPdu(ch, pdu);
         } else if (terminating == ch) {
            onPduWhileTerminating(ch, pdu);
         }
      }

      /** The gate saw the close first; {@link #channelInactive} does the work. */
      @Override
      public void onChannelClosed() {
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
         onClosed(ch);
         super.channelInactive(ctx);
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
         if (event instanceof IdleStateEvent) {
            probe(ch);
         } else if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            onTlsFailure(ch, handshake.cause());
         }
         super.userEventTriggered(ctx, event);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
         if (ssl != null && TlsClientContexts.failure(cause, true) != null) {
            onTlsFailure(ch, cause);
            return;
         }
         logger.info("Closing the connection to the tandem gateway {} after an error: {}", address(), cause.toString());
         ctx.close();
      }
   }

   /**
    * The handshake failed (a certificate the trust store does not vouch for or naming another host, a tandem that wants
    * a client certificate) or a TLS alert came later: logged once per episode, until the client connects again; the
    * client reconnects with its backoff, as after any drop.
    */
   private void onTlsFailure(Channel ch, Throwable cause) {
      if (ch == tlsFailedChannel) {
         return;
      }
      tlsFailedChannel = ch;
      String error = TlsClientContexts.failure(cause, !config.tls().keyStore().isEmpty());
      if (!tlsFailureLogged) {
         tlsFailureLogged = true;
         logger.warn("TLS with the tandem gateway {} failed: {}; retrying with the gns backoff (logged again once it connected)",
                     address(), error);
      } else {
         logger.debug("TLS with the tandem gateway {} failed: {}", address(), error);
      }
      ch.close();
   }

   /** One request from creation to its answer, timeout or failure. */
   private static final class Pending<R extends CmppResponse> {

      final IntFunction<? extends CmppRequest> build;
      final Class<R> responseType;
      final CompletableFuture<R> future = new CompletableFuture<>();
      ScheduledFuture<?> timer;
      int sequence;

      Pending(IntFunction<? extends CmppRequest> build, Class<R> responseType) {
         this.build = build;
         this.responseType = responseType;
      }

      void complete(CmppResponse resp) {
         cancelTimer();
         if (responseType.isInstance(resp)) {
            future.complete(responseType.cast(resp));
         } else {
            future.completeExceptionally(new GnsQueryException(GnsQueryException.Reason.PROTOCOL_ERROR,
               "expected " + responseType.getSimpleName() + ", the tandem answered " + resp.commandName()));
         }
      }

      void fail(GnsQueryException.Reason reason, String message, Throwable cause) {
         cancelTimer();
         future.completeExceptionally(new GnsQueryException(reason, -1, message, cause));
      }

      private void cancelTimer() {
         if (timer != null) {
            timer.cancel(false);
         }
      }
   }
}
