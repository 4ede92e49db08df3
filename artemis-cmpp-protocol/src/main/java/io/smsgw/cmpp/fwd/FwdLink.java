package io.smsgw.cmpp.fwd;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.LinkBrokerSession;
import io.smsgw.broker.LinkFeed;
import io.smsgw.broker.LinkSessionCallback;
import io.smsgw.broker.ReconnectBackoff;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.PduChannelHandler;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.broker.PduHandler;
import io.smsgw.broker.TlsClientContexts;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppRefusableRequest;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageReader;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing CMPP_FWD link to one peer gateway: a long connection (CONNECT with this gateway's code,
 * ACTIVE_TEST keepalive, reconnect with backoff) and a broker session of its own, living as long as the link,
 * that consumes {@code sms.gw.<peer>} within the window (counted in messages). A message goes as one FWD, or an MT or MO
 * longer than one FWD carries as its concatenated parts ({@link FwdMessageMapper#toFwds}); it is acknowledged once every
 * part got FWD_RESP Result 0; any other Result puts it back on the queue after reconnect-min (a failed delivery attempt,
 * except when every refusal was Result 8, the peer's storage full) once all its parts are answered; FWDs unanswered when the connection drops (or past the response timeout, which drops
 * it) go again after the reconnect, parts already answered do not. The broker message stays unacknowledged throughout,
 * so while the peer is down messages simply wait on the queue.
 *
 * <p>A message whose NodesCount would exceed {@code gateway.max-hops}, or that FWD cannot carry (no CMPP Msg_Id, a field
 * wider than FWD's, a numeric property that is no number), is not sent: an MT or MO is answered with an UNDELIV report on
 * {@code sms.dr} (smsErrorCode IB:0001, 105 or 106), a report goes to the dead-letter address.
 *
 * <p>Stopping is graceful ({@link #beginStop()}): no new message is taken, the FWDs in flight get up to the
 * response timeout for their FWD_RESP (answers ack their messages as usual), then CMPP_TERMINATE is sent and its
 * TERMINATE_RESP awaited briefly before the connection closes; what is still unanswered goes back to the queue
 * when the broker session closes. A FWD the peer stored is thus not sent again after a planned restart.
 *
 * <p>All link state lives on one event loop; the broker hands messages over from its queue executor.
 */
final class FwdLink extends LinkSessionCallback {

   private static final Logger logger = LoggerFactory.getLogger(FwdLink.class);
   private static final int MAX_PDU_SIZE = 4096;
   /** ACTIVE_TEST probes unanswered before the connection counts as dead. */
   private static final int ACTIVE_TEST_RETRIES = 3;

   /** How long a stopping link waits for the peer's TERMINATE_RESP (capped by the response timeout). */
   private static final long TERMINATE_WAIT_MILLIS = 2_000;

   /** DOWN: the last attempt failed or the connection dropped; the next attempt is scheduled. */
   enum State { CONNECTING, CONNECTED, DOWN, STOPPING, STOPPED }

   /** One message taken from the queue and not settled yet, and the FWDs it goes as (one, or the parts of a long one). */
   private static final class Outgoing {
      final long messageId;
      /** The consumer that delivered it; once that is let go, the message is back on the queue and not ours. */
      final LinkFeed.Feed feed;
      final ICoreMessage message;
      /** Mapped on its first send, and again on a connection with another mapper (report layouts follow the version). */
      List<Fwd> fwds;
      FwdMessageMapper mappedBy;
      /** Parts not answered yet; the message is settled when the last one is. */
      int unanswered;
      /** The answer that refused a part ("FWD_RESP Result 8", "a malformed FWD_RESP"), or null: the message goes back on
       *  the queue once every part is answered. */
      String refusal;
      /** Every refusal was Result 8 (the peer's storage is full, decision 131): put back without counting a failed
       *  delivery, so max-delivery-attempts never dead-letters a message only because the peer was full for a while. */
      boolean onlyBusy = true;
      /** Why a part could not be encoded, or null. */
      RuntimeException unsendable;
      boolean settled;

      Outgoing(long messageId, LinkFeed.Feed feed, ICoreMessage message) {
         this.messageId = messageId;
         this.feed = feed;
         this.message = message;
      }
   }

   /** One FWD of an outgoing message: the index of its part. */
   private static final class Part {
      final Outgoing outgoing;
      final int index;
      long sentAtNanos;

      Part(Outgoing outgoing, int index) {
         this.outgoing = outgoing;
         this.index = index;
      }
   }

   private final PeerConfig config;
   /** Remembers which MT went to this peer once it answered Result 0; null: nothing is remembered (tests). */
   private final FwdForwards forwards;
   private final String ownCode;
   private final int maxHops;
   private final ActiveMQServer server;
   private final EventLoop loop;
   private final Clock clock;
   private final SimpleString queueName;
   private final Map<Integer, Part> inFlight = new HashMap<>();
   private final ArrayDeque<Part> toSend = new ArrayDeque<>();
   private static final long EXPIRY_FAILURE_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
   /** Final reports made here that could not be stored since the last WARN about them. */
   private final java.util.concurrent.atomic.AtomicLong expiryReportFailures = new java.util.concurrent.atomic.AtomicLong();
   private final java.util.concurrent.atomic.AtomicLong nextExpiryFailureWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

   /** FWDs written (resends included), FWD_RESPs with Result 0 and with another Result, FWDs sent again. */
   final AtomicLong forwarded = new AtomicLong();
   final AtomicLong acknowledged = new AtomicLong();
   final AtomicLong refused = new AtomicLong();
   final AtomicLong resent = new AtomicLong();

   private volatile State state = State.STOPPED;
   private volatile String lastError = "";
   private volatile int inFlightCount;
   private Channel channel;
   /** CONNECT_RESP Status 0 received on {@link #channel}. */
   private boolean loggedIn;
   private CompletableFuture<Void> stopped;
   private ScheduledFuture<?> stopTimer;
   private boolean terminateSent;
   /** Forward records being written for answered FWDs (event loop); a stop says goodbye only after them. */
   private int recording;
   /** A stop's TERMINATE waits for {@link #recording} to reach 0. */
   private boolean terminateDue;
   private Connect sentConnect;
   /**
    * The version the CONNECT offers: 3.0 until a peer answers Status 4 (version too high) with a lower version it
    * speaks, which the link then offers for the rest of its life (a 3.0 peer serves 2.0 as well).
    */
   private CmppVersion offeredVersion = CmppVersion.V30;
   private FwdMessageMapper mapper;
   /** The link's broker session and consumer, re-created when the broker takes the consumer away (decision 66). */
   private final LinkFeed broker;
   /** Queue consumers re-created after the broker closed the link's consumer. */
   final AtomicLong consumerReopened;
   private ScheduledFuture<?> ticker;
   private final ReconnectBackoff backoff;
   private int sequence;
   private long lastReceivedNanos;
   /** When {@link #sentConnect} was written: its CONNECT_RESP is due within the response timeout. */
   private long connectSentNanos;
   private long lastProbeNanos;
   private int unansweredProbes;
   /** The peer's TLS client context (built once at start, decision 143), or null for plain text. */
   private final SslContext ssl;
   /** A TLS failure was logged since the link last connected: the next ones of this episode go to DEBUG. */
   private boolean tlsFailureLogged;
   /** A failed lookup of the peer's host name was logged since the link last connected (next ones: DEBUG). */
   private boolean lookupFailureLogged;
   /** The connection whose TLS failure was handled (the handshake event and the exception both report it). */
   private Channel tlsFailedChannel;
   /** A CONNECT_RESP whose AuthenticatorISMG did not verify was logged since the link last connected (next ones: DEBUG). */
   private boolean ismgFailureLogged;
   /** The connection closed for its AuthenticatorISMG (its close is said by the WARN, not again at INFO). */
   private Channel ismgFailedChannel;

   FwdLink(PeerConfig config, String ownCode, int maxHops, ActiveMQServer server, EventLoop loop, Clock clock,
           FwdForwards forwards, SslContext ssl) {
      this.config = config;
      this.ssl = ssl;
      this.forwards = forwards;
      this.ownCode = ownCode;
      this.maxHops = maxHops;
      this.server = server;
      this.loop = loop;
      this.clock = clock;
      this.queueName = SimpleString.of(SmsAddresses.gatewayQueue(config.code()));
      this.backoff = new ReconnectBackoff(config.reconnectMin(), config.reconnectMax());
      this.broker = new LinkFeed(server, loop, "FWD link to gateway " + config.code(), config.reconnectMin().toMillis(),
         config.reconnectMax().toMillis(), () -> LinkBrokerSession.open(server, loop, config.code(), "gw-" + config.code(),
            "CMPP-FWD", "fwd:", "cmpp-fwd-", queueName, this), this::abandoned);
      this.consumerReopened = broker.reopened;
   }

   PeerConfig config() {
      return config;
   }

   /** The connection to the peer, or null, read on the link's event loop (tests, diagnostics); never call it on that loop. */
   Channel channelNow() throws Exception {
      return loop.submit(() -> channel).get(10, TimeUnit.SECONDS);
   }

   FwdForwards forwards() {
      return forwards;
   }

   State state() {
      return state;
   }

   /** FWDs written and not answered yet. */
   int inFlight() {
      return inFlightCount;
   }

   String lastError() {
      return lastError;
   }

   /** Messages waiting on {@code sms.gw.<peer>} (those in flight included: they stay unacknowledged). */
   long queueDepth() {
      var queue = server.locateQueue(queueName);
      return queue == null ? 0 : queue.getMessageCount();
   }

   String queueName() {
      return queueName.toString();
   }

   /** Drops the connection (unanswered FWDs go again after the reconnect) and reconnects after reconnect-min. */
   void reconnect() {
      loop.execute(() -> {
         backoff.reset();
         if (channel != null && !stopping) {
            logger.info("FWD link to gateway {}: reconnect asked for by management", config.code());
            channel.close();
         }
      });
   }

   private void failed(String error) {
      lastError = Instant.now() + " " + error;
   }

   // ---------------------------------------------------------------- lifecycle

   /** Opens the link's broker session and consumer, then connects to the peer. Call on any thread. */
   void start() throws Exception {
      broker.open();
      state = State.CONNECTING;
      long tick = Math.max(50, Math.min(1000, config.responseTimeout().toMillis() / 4));
      ticker = loop.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.MILLISECONDS);
      loop.execute(this::connect);
      logger.info("FWD link to gateway {} started: {} consuming {}", config.code(), config, queueName);
   }

   /** The longest a graceful stop takes: the response timeout for FWD_RESPs, then the TERMINATE_RESP wait. */
   long stopDeadlineNanos() {
      return config.responseTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(terminateWaitMillis()) + TimeUnit.SECONDS.toNanos(1);
   }

   private long terminateWaitMillis() {
      return Math.min(TERMINATE_WAIT_MILLIS, config.responseTimeout().toMillis());
   }

   /**
    * Stops taking messages and starts the graceful close on the event loop; the future completes once the
    * connection is closed. Call from any thread, then {@link #closeSession()}.
    */
   CompletableFuture<Void> beginStop() {
      CompletableFuture<Void> done = new CompletableFuture<>();
      stopping = true;
      loop.execute(() -> {
         stopped = done;
         state = State.STOPPING;
         if (channel == null) {
            done.complete(null);
         } else if (!loggedIn) {
            channel.close();
         } else if (inFlight.isEmpty()) {
            sendTerminate();
         } else {
            logger.info("FWD link to gateway {} stopping: waiting up to {} for {} FWD_RESP(s)", config.code(),
                        config.responseTimeout(), inFlight.size());
            stopTimer = loop.schedule(this::sendTerminate, config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
         }
      });
      return done;
   }

   /** Waits (off the event loops) until the deadline; a link that does not finish in time is closed anyway. */
   static void awaitStopped(CompletableFuture<Void> stopping, long deadlineNanos) {
      try {
         stopping.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      } catch (Exception e) {
         logger.debug("FWD link did not close in time", e);
      }
   }

   /** Last step of a stop: closes what is left of the connection, then the broker session (returning what is unanswered). */
   void closeSession() {
      loop.submit(() -> {
         if (ticker != null) {
            ticker.cancel(false);
         }
         if (channel != null) {
            channel.close();
         }
      }).awaitUninterruptibly(TERMINATE_WAIT_MILLIS);
      state = State.STOPPED;
      broker.close();
   }

   /** Every FWD answered (or the wait is over): say goodbye; the TERMINATE_RESP, or the wait's end, closes. */
   private void sendTerminate() {
      Channel ch = channel;
      if (terminateSent || ch == null) {
         return;
      }
      if (recording > 0) {
         terminateDue = true; // the last record written calls again
         return;
      }
      terminateSent = true;
      if (stopTimer != null) {
         stopTimer.cancel(false);
      }
      if (!inFlight.isEmpty()) {
         logger.info("FWD link to gateway {} stopping with {} FWD(s) unanswered; they go back to {}", config.code(),
                     inFlight.size(), queueName);
      }
      ch.writeAndFlush(new Terminate(nextSequence()));
      loop.schedule(() -> ch.close(), terminateWaitMillis(), TimeUnit.MILLISECONDS);
   }

   private void connect() {
      if (stopping) {
         return;
      }
      state = State.CONNECTING;
      Bootstrap bootstrap = LinkBootstrap.on(loop, config.responseTimeout(), ch -> {
         if (ssl != null) {
            // The CONNECT written on channelActive waits in the SslHandler until the handshake is done.
            // The configured host name, not the address it resolved to: SNI and the certificate's host check need it.
            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), config.host(), config.port()));
         }
         ch.pipeline()
            .addLast("cmpp-frame", new PduFrameDecoder("CMPP", CmppCodec.HEADER_LENGTH, MAX_PDU_SIZE))
            .addLast("cmpp-decoder", new CmppPduDecoder(offeredVersion))
            .addLast("cmpp-encoder", new CmppPduEncoder(offeredVersion));
         Handler handler = new Handler(ch);
         // Reads only while the peer takes what the link writes (an ACTIVE_TEST flood it never reads the answers of).
         // Nothing it sends on this link is answered later (its FWDs come on its own link), so no cap is counted.
         ch.pipeline()
            .addLast("read-gate", PduChannelHandler.forLink(CmppPdu.class, "FWD link to gateway " + config.code(),
                                                            Integer.MAX_VALUE, handler))
            .addLast("fwd-link", handler);
      });
      // Looked up off the event loop before each attempt (a changed DNS entry is seen), then connected to the address.
      LinkBootstrap.resolve(loop, config.host(), config.port(), LinkBootstrap.SYSTEM).addListener(resolved -> {
         if (stopping) {
            return;
         }
         if (!resolved.isSuccess()) {
            lookupFailed(LinkBootstrap.failureCause(resolved));
            return;
         }
         bootstrap.connect((java.net.InetSocketAddress) resolved.getNow()).addListener(future -> {
            if (!future.isSuccess()) {
               String cause = LinkBootstrap.failureCause(future);
               logger.info("FWD link to gateway {} could not connect to {}:{}: {}", config.code(), config.host(),
                           config.port(), cause);
               failed("connect to " + config.host() + ":" + config.port() + " failed: " + cause);
               if (!stopping) {
                  state = State.DOWN;
               }
               scheduleReconnect();
            }
         });
      });
   }

   /** The peer's host name did not resolve: a failed connect (LastError, backoff), a WARN once per episode. */
   private void lookupFailed(String cause) {
      String error = "connect to " + config.host() + ":" + config.port() + " failed: host name not resolved: " + cause;
      failed(error);
      if (!lookupFailureLogged) {
         lookupFailureLogged = true;
         logger.warn("FWD link to gateway {}: {}; retrying with the link's backoff (logged again once it connected)",
                     config.code(), error);
      } else {
         logger.debug("FWD link to gateway {}: {}", config.code(), error);
      }
      state = State.DOWN;
      scheduleReconnect();
   }

   private void scheduleReconnect() {
      if (stopping) {
         return;
      }
      loop.schedule(this::connect, backoff.next(), TimeUnit.MILLISECONDS);
   }

   private int nextSequence() {
      sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
      return sequence;
   }

   // ---------------------------------------------------------------- peer connection (event loop)

   private final class Handler extends ChannelInboundHandlerAdapter implements PduHandler<CmppPdu> {

      private final Channel ch;

      Handler(Channel ch) {
         this.ch = ch;
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
         channel = ctx.channel();
         lastReceivedNanos = System.nanoTime();
         connectSentNanos = lastReceivedNanos;
         unansweredProbes = 0;
         long timestamp = CmppTimestamp.forConnect(clock, ownCode);
         sentConnect = new Connect(nextSequence(), ownCode,
            CmppAuthenticator.authenticatorSource(ownCode, config.sharedSecret(), timestamp), offeredVersion.code(), timestamp);
         ctx.writeAndFlush(sentConnect);
      }

      /** What the read gate in front of this handler hands over. */
      @Override
      public void onPdu(CmppPdu pdu) {
         FwdLink.this.onPdu(ch, pdu);
      }

      /** The gate saw the close first; {@link #channelInactive} does the work. */
      @Override
      public void onChannelClosed() {
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
         onClosed(ctx.channel());
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
         if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            onTlsFailure(ctx.channel(), handshake.cause());
         }
         super.userEventTriggered(ctx, event);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
         if (ssl != null && TlsClientContexts.failure(cause, true) != null) {
            onTlsFailure(ctx.channel(), cause);
            return;
         }
         logger.info("FWD link to gateway {}: {}; closing the connection", config.code(), cause.toString());
         ctx.close();
      }
   }

   /**
    * The handshake failed (a certificate the trust store does not vouch for or naming another host, a peer that wants a
    * client certificate) or a TLS alert came later: logged once per episode, until the link connects again (each attempt
    * would log the same cause every reconnect-max); LastError always has the latest. The link reconnects with its
    * backoff, as after any drop.
    */
   private void onTlsFailure(Channel ch, Throwable cause) {
      if (ch == tlsFailedChannel) {
         return;
      }
      tlsFailedChannel = ch;
      String error = "TLS with " + config.host() + ":" + config.port() + " failed: "
         + TlsClientContexts.failure(cause, !config.tls().keyStore().isEmpty());
      failed(error);
      if (!tlsFailureLogged) {
         tlsFailureLogged = true;
         logger.warn("FWD link to gateway {}: {}; retrying with the link's backoff (logged again once it connected)",
                     config.code(), error);
      } else {
         logger.debug("FWD link to gateway {}: {}", config.code(), error);
      }
      ch.close();
   }

   private void onPdu(Channel ch, CmppPdu pdu) {
      if (ch != channel) {
         return;
      }
      lastReceivedNanos = System.nanoTime();
      unansweredProbes = 0;
      if (pdu instanceof MalformedCmppPdu malformed) {
         onMalformed(ch, malformed);
      } else if (pdu instanceof ConnectResp resp) {
         onConnectResp(ch, resp);
      } else if (!loggedIn) {
         logger.debug("FWD link to gateway {}: ignoring {} before CONNECT_RESP", config.code(), pdu.commandName());
      } else if (pdu instanceof FwdResp resp) {
         onFwdResp(resp);
         flush(); // the answer freed a place in the window
      } else if (pdu instanceof ActiveTest test) {
         ch.writeAndFlush(test.response());
      } else if (pdu instanceof Terminate terminate) {
         logger.info("Gateway {} terminated the FWD link", config.code());
         ch.writeAndFlush(terminate.response()).addListener(ChannelFutureListener.CLOSE);
      } else if (pdu instanceof TerminateResp) {
         ch.close();
      } else if (pdu instanceof CmppRefusableRequest request) {
         // The peer forwards to us on its own link (our acceptor), not on this one.
         ch.writeAndFlush(request.errorResponse(CmppResult.COMMAND_ERROR));
      }
   }

   /**
    * What the peer sent could not be decoded; answered as this gateway's acceptor answers an SP. An unknown
    * Command_Id (the peer speaks something else) gets TERMINATE and the connection closes, so the link reconnects
    * after its backoff and sends the unanswered FWDs again; a malformed request gets its error response (Result 4
    * or 1), or TERMINATE when it has none. A malformed FWD_RESP leaves its FWD's fate unknown: it is put back and
    * sent again like a refused one (the peer drops a copy it already stored). Anything garbled before the
    * CONNECT_RESP closes the connection, as the acceptor closes on anything before CONNECT.
    */
   private void onMalformed(Channel ch, MalformedCmppPdu malformed) {
      String what = malformed.kind() == MalformedCmppPdu.Kind.UNKNOWN_COMMAND
         ? "unknown Command_Id 0x" + Integer.toHexString(malformed.commandId())
         : "malformed " + malformed.commandName() + " (" + malformed.reason() + ")";
      if (!loggedIn) {
         failed(what + " before CONNECT_RESP");
         logger.warn("FWD link to gateway {}: {} before CONNECT_RESP; closing the connection", config.code(), what);
         ch.close();
         return;
      }
      if (malformed.kind() == MalformedCmppPdu.Kind.UNKNOWN_COMMAND) {
         failed(what);
         logger.warn("FWD link to gateway {}: {}; terminating the connection", config.code(), what);
         terminateNow(ch);
         return;
      }
      logger.info("FWD link to gateway {}: {}", config.code(), what);
      if (!malformed.isResponse()) {
         malformed.errorResponse(malformed.refusalResult()).ifPresentOrElse(ch::writeAndFlush, () -> terminateNow(ch));
         return;
      }
      Outgoing o = malformed.commandId() == CmppCommandId.FWD_RESP ? answeredPart(malformed.sequenceId()) : null;
      if (o != null) {
         o.onlyBusy = false;
         refusedBy(o, "a malformed FWD_RESP");
         answered(o);
      }
   }

   /** TERMINATE without waiting for its answer, then close; the link reconnects as after any drop. */
   private void terminateNow(Channel ch) {
      ch.writeAndFlush(new Terminate(nextSequence())).addListener(ChannelFutureListener.CLOSE);
   }

   private void onConnectResp(Channel ch, ConnectResp resp) {
      if (loggedIn || sentConnect == null || resp.sequenceId() != sentConnect.sequenceId()) {
         return;
      }
      if (stopping) {
         ch.close();
         return;
      }
      if (resp.status() == CmppResult.CONNECT_VERSION_TOO_HIGH && CmppVersion.isKnown(resp.version())
          && resp.version() < offeredVersion.code()) {
         offeredVersion = CmppVersion.fromByte(resp.version());
         logger.info("Gateway {} speaks CMPP 0x{} only; the FWD link connects with that version from now on",
                     config.code(), Integer.toHexString(offeredVersion.code()));
         backoff.reset();
         ch.close();
         return;
      }
      if (!resp.isOk()) {
         failed("CONNECT refused with status " + resp.status());
         logger.warn("Gateway {} refused the FWD link's CONNECT: status {}{}", config.code(), resp.status(),
                     resp.status() == CmppResult.CONNECT_AUTHENTICATION_ERROR ? " (check peers." + config.code() + ".shared-secret)" : "");
         ch.close();
         return;
      }
      if (config.verifyIsmg() && !CmppAuthenticator.verifyIsmg(resp, sentConnect.authenticatorSource(),
            config.sharedSecret().getBytes(StandardCharsets.UTF_8), CmppVersion.fromByte(sentConnect.version()))) {
         onIsmgMismatch(ch);
         return;
      }
      // The peer's session speaks the lower of its version and the one offered, whatever Version it reports.
      CmppVersion version = CmppVersion.isKnown(resp.version()) && resp.version() < offeredVersion.code()
         ? CmppVersion.fromByte(resp.version()) : offeredVersion;
      ch.pipeline().get(CmppPduDecoder.class).setVersion(version);
      ch.pipeline().get(CmppPduEncoder.class).setVersion(version);
      mapper = new FwdMessageMapper(ownCode, config.code(), version, clock.getZone());
      loggedIn = true;
      state = State.CONNECTED;
      backoff.reset();
      tlsFailureLogged = false;
      lookupFailureLogged = false;
      ismgFailureLogged = false;
      logger.info("FWD link to gateway {} connected ({}:{}, CMPP 0x{}{})", config.code(), config.host(), config.port(),
                  Integer.toHexString(version.code()), ssl == null ? "" : ", TLS");
      flush();
      broker.feed().consumer.promptDelivery();
   }

   /**
    * The peer answered Status 0 without proving it knows the shared secret (an AuthenticatorISMG that does not verify,
    * e.g. all zero): whoever answers on the peer's address is not taken for the peer, or it would get every FWD and
    * could acknowledge and drop them. Closed and retried with the backoff of a failed connect; logged once per episode
    * (until the link connects again), LastError always says it. {@code verify-ismg = false} turns the check off for an
    * ISMG of another vendor that hashes Status at another width.
    */
   private void onIsmgMismatch(Channel ch) {
      String error = "the CONNECT_RESP of " + config.host() + ":" + config.port() + " failed the AuthenticatorISMG check: "
         + "it does not prove that the peer knows peers." + config.code() + ".shared-secret; connection refused";
      failed(error);
      if (!ismgFailureLogged) {
         ismgFailureLogged = true;
         logger.warn("FWD link to gateway {}: {}. Nothing is forwarded there until it does; retrying with the link's backoff "
                     + "(logged again once it connected; peers.{}.verify-ismg = false accepts an ISMG that hashes Status "
                     + "at another width)", config.code(), error, config.code());
      } else {
         logger.debug("FWD link to gateway {}: {}", config.code(), error);
      }
      ismgFailedChannel = ch;
      ch.close();
   }

   private void onClosed(Channel ch) {
      if (ch != channel) {
         return;
      }
      channel = null;
      sentConnect = null;
      loggedIn = false;
      if (!stopping) {
         state = State.DOWN;
      }
      // Unanswered FWDs go out again, in their order, after the next CONNECT; the broker keeps the messages ours.
      List<Map.Entry<Integer, Part>> unanswered = new ArrayList<>(inFlight.entrySet());
      inFlight.clear();
      inFlightCount = 0;
      unanswered.sort(Map.Entry.comparingByKey());
      for (int i = unanswered.size() - 1; i >= 0; i--) {
         toSend.addFirst(unanswered.get(i).getValue());
      }
      if (stopping) {
         logger.info("FWD link to gateway {} closed for the stop", config.code());
         if (stopped != null) {
            stopped.complete(null);
         }
         return;
      }
      if (ch == tlsFailedChannel) {
         // said once per episode by onTlsFailure
         tlsFailedChannel = null;
         logger.debug("FWD link to gateway {} closed after a TLS failure", config.code());
      } else if (ch == ismgFailedChannel) {
         // said once per episode by onIsmgMismatch
         ismgFailedChannel = null;
         logger.debug("FWD link to gateway {} closed after its AuthenticatorISMG failed", config.code());
      } else {
         logger.info("FWD link to gateway {} closed{}", config.code(),
                     unanswered.isEmpty() ? "" : "; " + unanswered.size() + " FWD(s) will be resent");
      }
      scheduleReconnect();
   }

   /**
    * Keepalive and response timeout: ACTIVE_TEST when idle, reconnect when the CONNECT, FWDs or probes stay
    * unanswered.
    */
   private void tick() {
      Channel ch = channel;
      if (ch == null || stopping) {
         return; // a stopping link has its own deadline
      }
      long now = System.nanoTime();
      long timeout = config.responseTimeout().toNanos();
      if (!loggedIn) {
         // A peer that accepted the TCP connection but never answers the CONNECT (hung, or answering with another
         // Sequence_Id) would otherwise hold the link in CONNECTING for good while sms.gw.<peer> grows.
         if (now - connectSentNanos > timeout) {
            logger.warn("FWD link to gateway {}: no CONNECT_RESP within {}; reconnecting", config.code(),
                        config.responseTimeout());
            failed("no CONNECT_RESP within " + config.responseTimeout());
            ch.close();
         }
         return;
      }
      for (Part p : inFlight.values()) {
         if (now - p.sentAtNanos > timeout) {
            logger.warn("FWD link to gateway {}: FWD unanswered for {}; reconnecting and resending", config.code(),
                        config.responseTimeout());
            failed("FWD unanswered for " + config.responseTimeout());
            ch.close();
            return;
         }
      }
      if (now - lastReceivedNanos < timeout || (unansweredProbes > 0 && now - lastProbeNanos < timeout)) {
         return;
      }
      if (unansweredProbes >= ACTIVE_TEST_RETRIES) {
         failed(unansweredProbes + " ACTIVE_TEST unanswered");
         logger.info("FWD link to gateway {}: {} ACTIVE_TEST unanswered; reconnecting", config.code(), unansweredProbes);
         ch.close();
         return;
      }
      unansweredProbes++;
      lastProbeNanos = now;
      ch.writeAndFlush(new ActiveTest(nextSequence()));
   }

   private void flush() {
      Channel ch = channel;
      boolean wrote = false;
      // The window bounds the FWDs the peer has not answered, not only the messages taken: the peer's window counts
      // requests, and 10 five-part MT are 50 FWDs; the rest waits for an answer (onPdu flushes after each FWD_RESP).
      while (ch != null && loggedIn && !stopping && !toSend.isEmpty() && inFlight.size() < config.window()) {
         Part part = toSend.poll();
         Outgoing o = part.outgoing;
         if (o.settled || o.feed.abandoned()) {
            continue; // an abandoned one is back on the queue: the consumer that takes it now sends it
         }
         int seq = nextSequence();
         Fwd fwd;
         try {
            fwd = fwdOf(part, seq);
         } catch (RuntimeException e) {
            logger.warn("FWD link to gateway {}: message {} cannot be forwarded ({})", config.code(), o.messageId, e.getMessage());
            notForwarded(o, e);
            continue;
         }
         if (part.sentAtNanos != 0) {
            resent.incrementAndGet();
         }
         part.sentAtNanos = System.nanoTime();
         inFlight.put(seq, part);
         inFlightCount = inFlight.size();
         forwarded.incrementAndGet();
         ch.write(fwd).addListener(future -> {
            Throwable cause = future.cause();
            if (cause instanceof EncoderException && cause.getCause() != null) {
               cause = cause.getCause();
            }
            if (cause instanceof IllegalArgumentException refusal) {
               // The encoder refused a field wider than FWD's: the message can never go.
               if (inFlight.remove(seq, part)) {
                  inFlightCount = inFlight.size();
                  logger.warn("FWD link to gateway {}: message {} not encodable ({})", config.code(), o.messageId,
                              refusal.getMessage());
                  o.unsendable = refusal;
                  answered(o);
               }
            }
         });
         wrote = true;
      }
      if (wrote) {
         ch.flush();
      }
   }

   /**
    * The FWD of {@code part} with Sequence_Id {@code seq}. The message is mapped on its first send, which queues its
    * other parts right behind this one, and again on a connection with another mapper (the same parts: their content
    * does not depend on the version).
    */
   private Fwd fwdOf(Part part, int seq) {
      Outgoing o = part.outgoing;
      if (o.mappedBy != mapper) {
         List<Fwd> fwds = mapper.toFwds(o.message, seq);
         if (o.fwds == null) {
            o.unanswered = fwds.size();
            for (int i = fwds.size() - 1; i >= 1; i--) {
               toSend.addFirst(new Part(o, i));
            }
         }
         o.fwds = fwds;
         o.mappedBy = mapper;
      }
      return o.fwds.get(part.index).withSequenceId(seq);
   }

   private void onFwdResp(FwdResp resp) {
      Part part = answeredPartOf(resp.sequenceId());
      if (part == null) {
         return; // late answer to a FWD already resent
      }
      Outgoing o = part.outgoing;
      if (!resp.isOk()) {
         if (resp.result() != CmppResult.FLOW_CONTROL_ERROR) {
            o.onlyBusy = false;
         }
         refusedBy(o, "FWD_RESP Result " + resp.result());
         answered(o);
         return;
      }
      acknowledged.incrementAndGet();
      Fwd fwd = o.fwds == null ? null : o.fwds.get(part.index);
      if (forwards == null || fwd == null || fwd.msgFwdType() != Fwd.TYPE_MT) {
         answered(o);
         return;
      }
      // The peer has the MT: remember that before the message is acknowledged, so its report is taken from this peer
      // only, after a restart too. A record that cannot be written puts the message back; the peer answers the FWD sent
      // again as a repeat (Result 0), and the record is written then.
      recording++;
      forwards.remember(config.code(), fwd, o.message, clock.millis()).whenCompleteAsync((stored, failure) -> {
         recording--;
         if (failure != null) {
            logger.warn("FWD link to gateway {}: the record of message {} was not stored ({}); it goes again", config.code(),
                        o.messageId, failure.toString());
            failed("forward record of message " + o.messageId + " not stored: " + failure);
            // Put back, as a refusal, but not counted as a failed delivery: the peer took the part (Result 0), and an
            // MT the broker dead-letters for the gateway's own fault would get a final report the peer contradicts.
            o.refusal = "its forward record not stored";
         }
         answered(o);
         if (terminateDue && recording == 0) {
            sendTerminate(); // the message is settled: a graceful stop does not send it again after the restart
         }
      }, loop);
   }

   /** The message of the in-flight part an answer with this Sequence_Id settles, or null. */
   private Outgoing answeredPart(int sequenceId) {
      Part part = answeredPartOf(sequenceId);
      return part == null ? null : part.outgoing;
   }

   /** The in-flight part an answer with this Sequence_Id settles, or null. */
   private Part answeredPartOf(int sequenceId) {
      Part part = inFlight.remove(sequenceId);
      if (part == null) {
         return null;
      }
      inFlightCount = inFlight.size();
      if (stopping && inFlight.isEmpty()) {
         loop.execute(this::sendTerminate); // after this answer is settled
      }
      return part;
   }

   private void refusedBy(Outgoing o, String answer) {
      // The error first: whoever sees the counter move then reads the error that goes with it.
      failed(answer + " for message " + o.messageId);
      refused.incrementAndGet();
      o.refusal = answer;
   }

   /**
    * A part is answered (or could not be encoded). Once every part is, the message is settled: acknowledged when all
    * got Result 0; put back when one was refused (the parts the peer stored are dropped there as repeats when they come
    * again, by their Pk_number); reported when one could not be encoded.
    */
   private void answered(Outgoing o) {
      if (o.feed.abandoned()) {
         // Back on the queue with the consumer the broker closed: the copy delivered again goes as FWDs with the same
         // duplicate ids, so a part the peer stored now is dropped there when it comes again (decision 66).
         return;
      }
      if (--o.unanswered > 0 || o.settled) {
         return;
      }
      if (o.unsendable != null) {
         notForwarded(o, o.unsendable);
      } else if (o.refusal != null) {
         // Put back after a backoff, counting a failed delivery: the address settings (max-delivery-attempts, the
         // dead-letter address) decide how long a refused message keeps coming back.
         long delay = Math.min(config.reconnectMin().toMillis(), config.reconnectMax().toMillis());
         logger.info("Gateway {} answered {} for message {}; putting it back in {} ms", config.code(), o.refusal,
                     o.messageId, delay);
         o.settled = true;
         loop.schedule(() -> putBack(o), Math.max(delay, 10), TimeUnit.MILLISECONDS);
      } else {
         acknowledge(o);
      }
   }

   private void putBack(Outgoing o) {
      if (unsettledGone(o)) {
         return;
      }
      try {
         // Result 8 says the peer cannot store it now, not that it cannot take it: not a failed delivery.
         o.feed.consumer.individualCancel(o.messageId, !o.onlyBusy);
      } catch (Exception e) {
         logger.warn("FWD link to gateway {}: could not put back message {}", config.code(), o.messageId, e);
      }
      settled(o);
   }

   private void acknowledge(Outgoing o) {
      if (unsettledGone(o)) {
         return;
      }
      try {
         o.feed.consumer.individualAcknowledge(null, o.messageId);
      } catch (Exception e) {
         logger.warn("FWD link to gateway {}: could not acknowledge message {}", config.code(), o.messageId, e);
      }
      settled(o);
   }

   private void reject(Outgoing o) {
      if (unsettledGone(o)) {
         return;
      }
      try {
         o.feed.consumer.reject(o.messageId);
      } catch (Exception e) {
         logger.warn("FWD link to gateway {}: could not dead-letter message {}", config.code(), o.messageId, e);
      }
      settled(o);
   }

   /**
    * The message's consumer was closed by the broker: the message is back on the queue (or goes back when the link lets
    * go of the consumer), so there is nothing to acknowledge, put back or dead-letter. Frees its slot unless letting go
    * did already.
    */
   private boolean unsettledGone(Outgoing o) {
      if (o.feed.abandoned()) {
         o.settled = true;
         return true;
      }
      if (!o.feed.gone()) {
         return false;
      }
      o.settled = true;
      o.feed.settle();
      reserved.decrementAndGet();
      return true;
   }

   private void settled(Outgoing o) {
      o.settled = true;
      o.feed.settle();
      reserved.decrementAndGet();
      broker.feed().consumer.promptDelivery();
   }

   /**
    * The broker closed the consumer {@code feed} took messages from, and they are back on the queue (event loop): what
    * waits to go out is dropped, FWDs sent wait for nothing, and the window slots are free for the new consumer.
    */
   private void abandoned(LinkFeed.Feed feed, int unsettled) {
      reserved.addAndGet(-unsettled);
      toSend.removeIf(part -> part.outgoing.feed == feed);
      if (unsettled > 0) {
         logger.warn("FWD link to gateway {}: {} message(s) in progress went back to {} with the closed consumer; they "
                     + "are forwarded again", config.code(), unsettled, queueName);
      }
   }

   /**
    * A message FWD cannot carry: an MT or MO ends with an UNDELIV report to its sender (105 without a CMPP Msg_Id, else
    * 106), as one routing cannot send anywhere does, instead of vanishing into the dead-letter address; a report, which
    * nobody could be told about, is dead-lettered.
    */
   private void notForwarded(Outgoing o, RuntimeException why) {
      o.settled = true; // parts still queued are not sent
      endWithReport(o, FwdMessageMapper.errorCode(why));
   }

   /**
    * The message is not forwarded (the hop limit, or FWD cannot carry it): the report for an MT or MO is made durable,
    * then the message is acknowledged; a report is dead-lettered.
    */
   private void endWithReport(Outgoing o, String errorCode) {
      if (o.feed.abandoned()) {
         return; // back on the queue: the copy delivered again gets its own outcome
      }
      SmsKind kind = new SmsMessageReader(o.message).kind();
      if (kind == SmsKind.DR) {
         reject(o);
         return;
      }
      if (broker.diskFull()) {
         // Checked first to keep the link's sends off the full disk (decision 129; sent anyway, DurableSender would
         // refuse it, decision 131): tried again later.
         loop.schedule(() -> endWithReport(o, errorCode), 1, TimeUnit.SECONDS);
         return;
      }
      try {
         var report = FwdMessageMapper.undeliveredReport(o.message, server.getStorageManager().generateID(), clock.millis(), errorCode);
         DurableSender.Result result = broker.sender().send(List.of(report), new IOCallback() {
            @Override
            public void done() {
               loop.execute(() -> acknowledge(o));
            }

            @Override
            public void onError(int code, String errorMessage) {
               loop.schedule(() -> endWithReport(o, errorCode), 1, TimeUnit.SECONDS);
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("FWD link to gateway {}: no queue on {} for the report on message {}; dead-lettering the message",
                        config.code(), SmsAddresses.DR, o.messageId);
            reject(o);
         }
      } catch (DurableSender.StorageFull full) {
         // sms.dr cannot take it now (decision 131): tried again, without a stack trace a second
         logger.debug("FWD link to gateway {}: report on message {} not stored ({}); retrying", config.code(), o.messageId,
                      full.getMessage());
         loop.schedule(() -> endWithReport(o, errorCode), 1, TimeUnit.SECONDS);
      } catch (Exception e) {
         logger.warn("FWD link to gateway {}: report on message {} failed; retrying", config.code(), o.messageId, e);
         loop.schedule(() -> endWithReport(o, errorCode), 1, TimeUnit.SECONDS);
      }
   }

   /**
    * A forward record (of this link's peer, or of a peer no longer configured) reached its deadline with no final report
    * from the peer: this link makes the MT's final report (UNKNOWN, {@link FwdForwards#NO_PEER_REPORT_ERROR}) durable on
    * {@code sms.dr}, then the forwards leave their marker in the record's place. Called on the forward records' writer
    * thread; the work runs on this link's event loop. The stage completes once both are durable (the store then drops
    * the record); a failure completes it exceptionally a second later, and the store reports the record again at a later
    * pass (a report made twice after a crash is dropped by its duplicate id on {@code sms.dr}).
    */
   CompletableFuture<Void> reportExpired(io.smsgw.correlation.CorrelationRecord record) {
      CompletableFuture<Void> reported = new CompletableFuture<>();
      try {
         loop.execute(() -> sendExpiryReport(record, reported));
      } catch (RuntimeException e) {
         reported.completeExceptionally(e); // the loop is shut down: the link stopped
      }
      return reported;
   }

   private void sendExpiryReport(io.smsgw.correlation.CorrelationRecord record, CompletableFuture<Void> reported) {
      DurableSender sender = broker.sender();
      if (sender == null || broker.diskFull()) {
         expiryReportFailed(record, reported, sender == null ? "the link's broker session is not open" : "the disk is full");
         return;
      }
      try {
         var report = FwdForwards.expiryReport(record, server.getStorageManager().generateID(), clock.millis());
         DurableSender.Result result = sender.send(List.of(report), new IOCallback() {
            @Override
            public void done() {
               forwards.markReportedHere(record, clock.millis()).whenComplete((ok, notMarked) -> {
                  if (notMarked == null) {
                     reported.complete(null);
                  } else {
                     expiryReportFailed(record, reported, "its marker not stored: " + notMarked);
                  }
               });
            }

            @Override
            public void onError(int code, String errorMessage) {
               expiryReportFailed(record, reported, "journal error " + code + ": " + errorMessage);
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            expiryReportFailed(record, reported, "no queue on " + SmsAddresses.DR);
         }
      } catch (DurableSender.StorageFull full) {
         expiryReportFailed(record, reported, full.getMessage());
      } catch (Exception e) {
         expiryReportFailed(record, reported, e.toString());
      }
   }

   private void expiryReportFailed(io.smsgw.correlation.CorrelationRecord record, CompletableFuture<Void> reported, String why) {
      // Many records reach their deadline together and the store retries each every pass: one WARN per interval at
      // most (with the count since the last one), the rest at DEBUG. Called from the loop and the journal's threads.
      long failures = expiryReportFailures.incrementAndGet();
      long now = System.nanoTime();
      long next = nextExpiryFailureWarning.get();
      if (now - next >= 0 && nextExpiryFailureWarning.compareAndSet(next, now + EXPIRY_FAILURE_WARN_INTERVAL_NANOS)) {
         expiryReportFailures.addAndGet(-failures);
         logger.warn("FWD link to gateway {}: {} final report(s) on forwards whose peer never reported could not be stored "
                     + "(latest on {} ({}), peer {}: {}); trying again (at most one such line per {} s)", config.code(), failures,
                     record.smsId(), record.smscMessageId(), record.linkId(), why,
                     TimeUnit.NANOSECONDS.toSeconds(EXPIRY_FAILURE_WARN_INTERVAL_NANOS));
      } else {
         logger.debug("FWD link to gateway {}: the final report on {} ({}) could not be stored ({}); trying again",
                      config.code(), record.smsId(), record.smscMessageId(), why);
      }
      // a pause before the store tries again, so a broken journal or full address is not retried in a loop
      try {
         loop.schedule(() -> reported.completeExceptionally(new IllegalStateException(why)), 1, TimeUnit.SECONDS);
      } catch (RuntimeException e) {
         reported.completeExceptionally(e);
      }
   }

   // ---------------------------------------------------------------- broker side (queue executor)

   @Override
   public boolean hasCredits(ServerConsumer consumer) {
      return !stopping && state == State.CONNECTED && reserved.get() < config.window() && broker.takesFrom(consumer);
   }

   @Override
   protected LinkFeed linkFeed() {
      return broker;
   }

   @Override
   protected int take(MessageReference ref, LinkFeed.Feed feed, ICoreMessage message, int deliveryCount) {
      Outgoing o = new Outgoing(ref.getMessageID(), feed, message);
      boolean overLimit;
      RuntimeException unreadable = null;
      try {
         overLimit = FwdMessageMapper.nodesCount(o.message) > maxHops;
      } catch (RuntimeException e) {
         overLimit = false;
         unreadable = e; // smsHops is no number
      }
      boolean stop = overLimit;
      RuntimeException why = unreadable;
      loop.execute(() -> {
         if (!feed.take()) {
            reserved.decrementAndGet(); // its consumer was let go meanwhile: the message is back on the queue
            return;
         }
         if (why != null) {
            logger.warn("FWD link to gateway {}: message {} cannot be forwarded ({})", config.code(), o.messageId, why.getMessage());
            notForwarded(o, why);
         } else if (stop) {
            logger.warn("FWD link to gateway {}: message {} would exceed gateway.max-hops {}; not forwarded", config.code(),
                        o.messageId, maxHops);
            endWithReport(o, FwdMessageMapper.HOP_LIMIT_ERROR);
         } else {
            toSend.add(new Part(o, 0));
            flush();
         }
      });
      return 1;
   }

}
