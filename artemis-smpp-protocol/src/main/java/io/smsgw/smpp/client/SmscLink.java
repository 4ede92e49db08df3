package io.smsgw.smpp.client;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.smsgw.broker.LogText;
import io.smsgw.broker.AcknowledgementBatch;
import io.smsgw.broker.LinkBootstrap;
import io.smsgw.broker.LinkBrokerSession;
import io.smsgw.broker.LinkFeed;
import io.smsgw.broker.LinkSessionCallback;
import io.smsgw.broker.ReconnectBackoff;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.core.config.SmscLinkConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.rate.RateLimiter;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.receipt.ReportCodes;
import io.smsgw.core.runtime.AcceptedSegments;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.SmppPduDecoder;
import io.smsgw.smpp.codec.SmppPduEncoder;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.UnencodableFieldException;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.reader.MessageUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound link to an upstream SMSC (the gateway as an SMPP ESME). It consumes {@code sms.smsc.<id>}
 * and sends submit_sm within its window and rate; a message is acknowledged in the broker only when every
 * part got submit_sm_resp ESME_ROK and its correlation record is durable (or the SMSC refused it and the
 * refusal's DR is durable). Throttling answers are retried with backoff and pause the link's new submit_sm for a
 * while; parts without an answer are resent
 * after a fresh bind (or on the same one, on-unanswered = requeue) up to max-unanswered-attempts, then reported
 * UNKNOWN. Receipts become DR messages on {@code sms.dr}, MO become messages on {@code sms.mo}.
 *
 * <p>All link state lives on one event loop; the broker hands messages over from its queue executor.
 */
final class SmscLink extends LinkSessionCallback {

   private static final Logger logger = LoggerFactory.getLogger(SmscLink.class);
   private static final long DEFAULT_VALIDITY_MILLIS = TimeUnit.HOURS.toMillis(48);
   /** The registered delivery an MT without one is taken to have: final reports wanted (1). */
   private static final int REPORT_WANTED = 1;
   /**
    * Report error code of a part the SMSC accepted (ESME_ROK) without a message_id: the state is UNKNOWN, since the
    * SMSC took it but no receipt can be matched to it (docs/links-routing-billing.md).
    */
   static final String NO_MESSAGE_ID_ERROR = "107";
   /**
    * Report error code (with UNKNOWN) of a part whose submit_sm went unanswered max-unanswered-attempts times: the SMSC
    * may have taken it, but no receipt can be matched to it (docs/links-routing-billing.md).
    */
   static final String UNANSWERED_ERROR = "109";
   /**
    * Report error code (with UNKNOWN) of a part whose correlation record another MT's replaced: the SMSC gave its message
    * id again (its counter wrapped) before the receipt came, so no receipt can be matched to it any more.
    */
   static final String DISPLACED_ERROR = "110";
   /** Pauses before a failed removal of a correlation record is tried again: the first, then doubling to the last. */
   private static final long REMOVAL_RETRY_MIN_MILLIS = 100;
   private static final long REMOVAL_RETRY_MAX_MILLIS = 30_000;
   /** Accepted answers in a row after which the next throttling pause starts again from throttle-pause. */
   private static final int THROTTLE_CALM_ANSWERS = 10;
   /** Flushes held back at most before one goes to the socket (Netty's default). */
   private static final int FLUSHES_CONSOLIDATED = 256;

   /**
    * The link as a whole. BOUND only when every configured bind is: the transceiver, or both the transmitter and the
    * receiver. PARTIALLY_BOUND: one of the two is (see {@link BindState} per role); MT flows while the transmitter is
    * bound, receipts and MO wait at the SMSC while the receiver is not. CONNECTING: none is bound yet or any more.
    * UNBINDING: a connection sent unbind (management's reconnect()) and waits for unbind_resp; no submit_sm goes out,
    * receipts and MO are still taken. STOPPING: the broker is stopping; no submit_sm goes out any more.
    */
   enum State { STOPPED, CONNECTING, PARTIALLY_BOUND, BOUND, UNBINDING, STOPPING }

   /**
    * One bind role: DOWN waits to reconnect (after a refused bind, a lost connection, a failed connect), CONNECTING
    * opens the TCP connection, BINDING waits for the bind response, UNBINDING for the unbind response.
    */
   enum BindState { STOPPED, DOWN, CONNECTING, BINDING, BOUND, UNBINDING }

   /** One MT message in progress and the parts it was split into. */
   private static final class Outgoing {
      final long messageId;
      /** The consumer that delivered it; once that is let go, the message is back on the queue and not ours. */
      final LinkFeed.Feed feed;
      final Template template;
      final List<Part> parts = new ArrayList<>();
      int unresolved;
      /** A part of it was held back by a stop (event loop): it stays unacknowledged and goes back to the queue. */
      boolean withdrawn;

      Outgoing(long messageId, LinkFeed.Feed feed, Template template) {
         this.messageId = messageId;
         this.feed = feed;
         this.template = template;
      }
   }

   /** One submit_sm of an outgoing message. */
   private static final class Part {
      final Outgoing outgoing;
      final SubmitSmFactory.Part pdu;
      int sequence;
      long sentAtNanos;
      int throttledAttempts;
      /** Written at least once: a resend checks the MT's validity first. */
      boolean sent;
      /** Times its submit_sm went unanswered for the response timeout (max-unanswered-attempts bounds it). */
      int unanswered;
      /** The current submit_sm is counted in {@link #unanswered} already (its connection is closing). */
      boolean overdue;
      /** Times the SMSC answered its submit_sm ESME_RINVBNDSTS (max-unanswered-attempts bounds it too). */
      int invalidBindAnswers;
      /** {@link #throttlePauses} when it was last written: a throttling answer to it pauses the link only if unchanged. */
      long sentInPauseEpoch;

      Part(Outgoing outgoing, SubmitSmFactory.Part pdu) {
         this.outgoing = outgoing;
         this.pdu = pdu;
      }
   }

   /**
    * What the correlation record of each part needs from the MT message. Its strings are cut to what a record holds
    * ({@link CorrelationRecord#MAX_FIELD_LENGTH}), so a report can always be made; {@code tooLong} names the first
    * property that was longer (null if none): such an MT is not sent, as its record could not be stored.
    * {@code expiresAt} bounds the sends; a record gets {@link #recordExpiry} instead. {@code correlationId},
    * {@code serviceType} and the TON/NPI ({@link CorrelationRecord#ABSENT} when the MT had none) are given back on its
    * reports.
    */
   private record Template(String smsId, String account, String originGateway, String source, String destination,
                           String serviceId, int feeUserType, String feeType, String feeCode, String feeTerminal,
                           long submitTime, long expiresAt, int registeredDelivery, SmsProtocol protocol, String version,
                           long scheduleTime, boolean defaultValidity, String tooLong, String correlationId,
                           boolean serviceType, int sourceTon, int sourceNpi, int destinationTon, int destinationNpi) {

      /**
       * The deadline of the record of a part the SMSC accepted at {@code acceptedAt}. Without a validity the SMSC was
       * told none and applies its own default from when it took the MT, so the record waits the default validity from
       * then (or from a later schedule, decision 109), not from the submission: an MT that waited on the link's queue
       * would otherwise be reported EXPIRED while the SMSC still delivers it.
       */
      long recordExpiry(long acceptedAt) {
         return defaultValidity ? defaultExpiry(acceptedAt, scheduleTime) : expiresAt;
      }
   }

   private final SmscLinkConfig config;
   /**
    * The correlation groups this link's account had before a reload or restart changed its group (newest first, a few):
    * records stored there before the change are looked up there until they go. Set by the service (reload thread),
    * read by lookups on any thread.
    */
   private volatile List<String> previousGroups = List.of();
   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final CorrelationStore store;
   private final EventLoop eventLoop;
   private final SslContext ssl;
   /** Looks the SMSC's host name up (off the event loop) before each connect. */
   private final LinkBootstrap.HostLookup lookup;
   private final SubmitSmFactory submits;
   private final LinkMessages messages;
   private final RateLimiter limiter;
   private final SimpleString queueName;
   private final String version;

   private final Map<Integer, Part> inFlight = new HashMap<>();
   private final ArrayDeque<Part> toSend = new ArrayDeque<>();
   /** A flush waits for the next submit_sm permit (event loop only). */
   private boolean flushScheduled;
   private final Runnable scheduledFlush = () -> {
      flushScheduled = false;
      flush();
   };
   /**
    * No new submit_sm goes out until the throttling pause ends (event loop only). Answers, receipts and MO go on, and
    * what waits is not in flight, so no response timeout runs for it.
    */
   private boolean throttlePaused;
   /** The next throttling pause in milliseconds (event loop only): doubles per pause, back to the first after a calm run. */
   private long throttlePauseStep;
   /** Accepted answers since the last throttling answer (event loop only). */
   private int acceptedInARow;
   private final Runnable resumeAfterThrottling = () -> {
      throttlePaused = false;
      flush();
   };
   private final List<SmscConnection> connections = new ArrayList<>();
   /**
    * Final receipts whose DR is durable but whose record the store failed to remove, with the answers to repeats of
    * them that wait for the removal (event loop only; empty unless the store fails).
    */
   private final Map<String, List<RepeatAnswer>> removalsRetrying = new HashMap<>();

   /** A repeated receipt's two answers: once its record is removed, or a temporary error if the link stops first. */
   private record RepeatAnswer(Runnable onRemoved, Runnable onStopped) {
   }
   /** The backoff by role (event loop only): doubles at each reconnect, reset by a bind that lasted. */
   private final Map<BindType, ReconnectBackoff> reconnectBackoffs = new HashMap<>();
   /** When each role's current connection was bound (System.nanoTime, event loop only). */
   private final Map<BindType, Long> boundSince = new HashMap<>();
   /** Connects waiting out their backoff, by role (event loop only); reconnect() brings them forward. */
   private final Map<BindType, ScheduledFuture<?>> pendingConnects = new HashMap<>();
   /** Throttled parts waiting out their backoff (event loop only); a stop holds them back. */
   private final Set<Part> backingOff = new HashSet<>();
   /** Binds in a row on which the SMSC answered a submit_sm ESME_RINVBNDSTS, and the latest (event loop only). */
   private int invalidBindBinds;
   private SmscConnection invalidBindConnection;

   private volatile State state = State.STOPPED;
   private volatile BindState transmitterState = BindState.STOPPED;
   private volatile BindState receiverState = BindState.STOPPED;
   private volatile String lastError = "";
   /** The first failure of the outage the link is in (a connect or bind failed, the connection was lost); null while none. */
   private volatile Instant downSince;
   /** When the link became BOUND (every configured bind); null while it is not. */
   private volatile Instant linkBoundSince;
   private volatile SmscConnection transmitter;
   /**
    * What the SMSC said it speaks (sc_interface_version) when it last answered the bind that sends submit_sm: -1 before
    * the first answer, 0 when the answer had no such TLV.
    */
   private volatile int smscInterfaceVersion = -1;
   /** Whether submit_sm may carry TLVs: the link asked for 3.4 and the SMSC's bind answer said 3.4 or later. */
   private volatile boolean smsc34;
   /** The answer last logged as one that takes no TLVs, so a link that binds again logs it once (event loop only). */
   private int loggedVersion = -1;
   /**
    * An MT whose broker message id is below this was stored before the link started, so it may have reached the SMSC
    * before a crash or stop: its parts are looked up in the correlation store before they go out. After a crash Artemis
    * delivers it with a delivery count of 1 (the count is persisted only when a delivery is cancelled, and a consumer
    * closed normally puts it back), so the count alone cannot tell; the broker's ids only grow, across restarts too.
    */
   private final long deliveredBefore;
   /** Messages of {@link #reserved} a stop held back: they will not be resolved, so the stop does not wait for them. */
   private final AtomicInteger withdrawn = new AtomicInteger();
   /** The link's broker session and consumer, re-created when the broker takes the consumer away. */
   private final LinkFeed broker;
   /** Acknowledgements of the messages resolved since the last commit (event loop only). */
   private final AcknowledgementBatch acks;
   private final Runnable commitAcks;

   final AtomicLong submitted = new AtomicLong();
   final AtomicLong accepted = new AtomicLong();
   final AtomicLong throttled = new AtomicLong();
   final AtomicLong refused = new AtomicLong();
   final AtomicLong receiptsMatched = new AtomicLong();
   final AtomicLong receiptsUnmatched = new AtomicLong();
   /** Receipts whose message id is longer than any correlation record holds (parked, answered ESME_ROK). */
   final AtomicLong receiptIdsTooLong = new AtomicLong();
   /** Whether such a receipt was logged since the link last bound: one WARN per bind, not one per PDU. */
   private volatile boolean receiptIdTooLongLogged;
   /** A failed connect of this episode was logged at WARN; cleared when a bind succeeds. Event loop only. */
   private boolean connectFailureLogged;
   /** Parked receipts that matched their record on a later try. */
   final AtomicLong receiptsRematched = new AtomicLong();
   /** Parked receipts of this link moved to sms.dr.unmatched.exhausted (could no longer match) since the start. */
   final AtomicLong parkedReceiptsExhausted = new AtomicLong();
   final AtomicLong moReceived = new AtomicLong();
   /**
    * Receipts known only by their content (esm_class 0) whose record names another recipient or source: delivered as
    * the MO they are (decision 128); also counted in {@link #moReceived}.
    */
   final AtomicLong receiptsNotFromRecipient = new AtomicLong();
   /** EXPIRED reports that could not be stored; their records stay and are reported again. */
   final AtomicLong expiredReportsFailed = new AtomicLong();
   /** Removals of a correlation record after its final receipt's DR that the store refused or could not write. */
   final AtomicLong recordRemovalsFailed = new AtomicLong();
   final AtomicLong reconnects = new AtomicLong();
   /** Times a throttling answer paused the link's new submit_sm (also the epoch parts record when they are written). */
   final AtomicLong throttlePauses = new AtomicLong();
   /** Parts still throttled when their MT's validity ended (reported EXPIRED). */
   final AtomicLong expiredThrottled = new AtomicLong();
   /** Parts whose MT's validity ended while they waited to be sent again after a missing answer (reported EXPIRED). */
   final AtomicLong expiredUnanswered = new AtomicLong();
   /** Parts whose submit_sm went unanswered max-unanswered-attempts times (reported UNKNOWN 109). */
   final AtomicLong unansweredGivenUp = new AtomicLong();
   /** submit_sm sent again on the same bind after no answer (on-unanswered = requeue), for the log's summary. */
   final AtomicLong requeuedUnanswered = new AtomicLong();
   /** Puts of a correlation record the store refused or could not write (each is tried again 100 ms later). */
   final AtomicLong recordPutsFailed = new AtomicLong();
   /** Parts whose MT's validity had ended before they were first sent (reported EXPIRED, never submitted). */
   final AtomicLong expiredUnsent = new AtomicLong();
   /** Messages not stored because their address was full (decision 131); the SMSC sends them again, reports retry. */
   final AtomicLong refusedAddressFull = new AtomicLong();
   /** Lookups of parked receipts that the correlation store failed (the receipt stays parked and is tried again). */
   final AtomicLong parkedLookupsFailed = new AtomicLong();
   /** Malformed PDUs the SMSC sent, each (ends an episode in the log's summary when it stays unchanged an interval). */
   final AtomicLong malformedReceived = new AtomicLong();
   /** Malformed PDUs after the first of an episode, which alone is a WARN; for the log's summary. */
   final AtomicLong malformedCounted = new AtomicLong();
   /** The first malformed PDU of the current episode was logged; cleared by the summary after an interval without one. */
   volatile boolean malformedLogged;
   /**
    * Parts of MT the broker delivered again that were not sent again: their correlation record showed the SMSC had
    * accepted them already (a crash or stop came between the record and the MT's acknowledgement).
    */
   final AtomicLong alreadyAccepted = new AtomicLong();
   /**
    * One malformed PDU from the SMSC: true when it is the first of an episode, to be logged at WARN; the others are
    * counted for the log's summary. A misbehaving SMSC wrote a WARN per PDU, as fast as it could send them. Event loop.
    */
   boolean firstMalformed() {
      malformedReceived.incrementAndGet();
      if (!malformedLogged) {
         malformedLogged = true;
         return true;
      }
      malformedCounted.incrementAndGet();
      return false;
   }

   /** The status of the latest refusal, for the log's summary. */
   volatile String lastRefusal;
   /** Queue consumers re-created after the broker closed the link's consumer. */
   final AtomicLong consumerReopened;
   /** MO, receipts and reports not stored because the broker's disk was full (the SMSC was answered ESME_RX_T_APPN). */
   final AtomicLong refusedDiskFull;

   SmscLink(SmscLinkConfig config, ActiveMQServer server, GatewayRuntime runtime, CorrelationStore store,
            EventLoop eventLoop, SslContext ssl) {
      this(config, server, runtime, store, eventLoop, ssl, LinkBootstrap.SYSTEM);
   }

   /** @param lookup how the SMSC's host name is looked up (tests: a slow or failing DNS) */
   SmscLink(SmscLinkConfig config, ActiveMQServer server, GatewayRuntime runtime, CorrelationStore store,
            EventLoop eventLoop, SslContext ssl, LinkBootstrap.HostLookup lookup) {
      this.config = config;
      this.lookup = lookup;
      this.server = server;
      this.runtime = runtime;
      this.store = store;
      this.eventLoop = eventLoop;
      this.ssl = ssl;
      this.submits = new SubmitSmFactory(config);
      this.smsc34 = config.version34();
      this.messages = new LinkMessages(config.id(), config.defaultAlphabet());
      this.limiter = new RateLimiter(config.maxSubmitRate());
      this.queueName = SimpleString.of(SmsAddresses.smscLinkQueue(config.id()));
      this.version = config.version34() ? "3.4" : "3.3";
      this.throttlePauseStep = config.throttlePause().toMillis();
      // Window slots are freed once the acknowledgements are committed, before the queue is prompted for more.
      this.acks = new AcknowledgementBatch(server.getStorageManager(), () -> "SMSC link " + config.id(),
                                           settled -> reserved.addAndGet(-settled));
      this.commitAcks = acks::commit;
      this.broker = new LinkFeed(server, eventLoop, "SMSC link " + config.id(), config.reconnectMin().toMillis(),
         config.reconnectMax().toMillis(), () -> LinkBrokerSession.open(server, eventLoop, config.id(), config.id(),
            "SMPP-LINK", "link:", "smsc-link-", queueName, this), this::abandoned);
      this.consumerReopened = broker.reopened;
      this.refusedDiskFull = broker.refusedDiskFull;
      this.deliveredBefore = server.getStorageManager().generateID();
   }

   /** The groups {@link #findRecord} also looks in, after the current group and the link's name (see the field). */
   void previousGroups(List<String> groups) {
      previousGroups = List.copyOf(groups);
   }

   List<String> previousGroups() {
      return previousGroups;
   }

   SmscLinkConfig config() {
      return config;
   }

   /** The link's connections (a copy), read on its event loop, for tests and diagnostics; never call it on that loop. */
   List<SmscConnection> connectionsNow() throws Exception {
      return eventLoop.submit(() -> List.copyOf(connections)).get(10, TimeUnit.SECONDS);
   }

   /** Runs {@code read} on the link's event loop and returns what it gives (tests, diagnostics); never on that loop. */
   <T> T readOnLoop(java.util.concurrent.Callable<T> read) throws Exception {
      return eventLoop.submit(read).get(10, TimeUnit.SECONDS);
   }

   State state() {
      return state;
   }

   BindState transmitterState() {
      return transmitterState;
   }

   BindState receiverState() {
      return receiverState;
   }

   /** When and what went wrong last (a refused bind, a lost connection, a timeout); empty if nothing yet. */
   String lastError() {
      return lastError;
   }

   /** The first failure of the current outage (ISO instant), kept over the retries; empty while the link has none. */
   String downSince() {
      Instant since = downSince;
      return since == null ? "" : since.toString();
   }

   /** Since when the link is BOUND (ISO instant); empty while it is not. */
   String boundSince() {
      Instant since = linkBoundSince;
      return since == null ? "" : since.toString();
   }

   int inFlightMessages() {
      return reserved.get();
   }

   // ---------------------------------------------------------------- lifecycle

   /** Opens the link's broker session and queue consumer, then connects to the SMSC. Call on any thread. */
   void start() throws Exception {
      broker.open();
      state = State.CONNECTING;
      eventLoop.execute(() -> {
         if (config.bindMode() == SmscLinkConfig.BindMode.TRANSCEIVER) {
            connect(BindType.TRANSCEIVER);
         } else {
            connect(BindType.TRANSMITTER);
            connect(BindType.RECEIVER);
         }
      });
      logger.info("SMSC link {} started: {} consuming {}", config.id(), config, queueName);
   }

   /**
    * First step of a stop (any thread): no message is taken and no submit_sm written any more. Parts not sent yet,
    * those waiting out a throttling backoff included, are held back: their messages stay unacknowledged and go back to
    * the queue when the link closes (at least once: a part of such a message the SMSC already accepted goes again).
    * The parts in flight get their answers until {@link #busy()} turns false or the caller's deadline passes, so a
    * message the SMSC acknowledged is acknowledged in the broker too, not sent again after the restart.
    */
   void beginStop() {
      stopping = true;
      state = State.STOPPING;
      runtime.links().down(config.id());
      eventLoop.execute(() -> {
         for (Part part : toSend) {
            withdraw(part.outgoing);
         }
         toSend.clear();
         for (Part part : backingOff) {
            withdraw(part.outgoing);
         }
         backingOff.clear();
         for (ScheduledFuture<?> connect : pendingConnects.values()) {
            connect.cancel(false);
         }
         pendingConnects.clear();
      });
   }

   /** Whether messages the link took still wait for an answer or for their outcome to be stored (any thread). */
   boolean busy() {
      return reserved.get() - withdrawn.get() > 0;
   }

   /**
    * Second step of a stop (any thread), once the answers in flight came or the stop's deadline passed: each bound
    * connection sends unbind and closes at unbind_resp or after a bounded wait (SmscConnection.unbind); answers that
    * arrive meanwhile still settle their messages. The stage completes when every connection is closed.
    */
   CompletableFuture<Void> unbind() {
      CompletableFuture<Void> done = new CompletableFuture<>();
      eventLoop.execute(() -> {
         List<CompletableFuture<Void>> closed = new ArrayList<>(connections.size());
         for (SmscConnection connection : new ArrayList<>(connections)) {
            closed.add(connection.unbind());
         }
         CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> done.complete(null));
      });
      return done;
   }

   /** Last step of a stop (any thread): closes the connections, then the broker session (unresolved messages go back). */
   void finishStop() {
      int unresolved = reserved.get();
      if (unresolved > 0) {
         logger.info("SMSC link {} stops with {} message(s) unresolved; they stay on its queue and are sent again",
                     config.id(), unresolved);
      }
      state = State.STOPPED;
      transmitterState = BindState.STOPPED;
      receiverState = BindState.STOPPED;
      eventLoop.execute(() -> {
         for (SmscConnection connection : new ArrayList<>(connections)) {
            connection.close();
         }
      });
      // Messages still in progress go back to the queue and are sent after the next start.
      broker.close();
   }

   /** Held back by a stop (event loop): counted once per message, never resolved, so never acknowledged. */
   private void withdraw(Outgoing outgoing) {
      if (!outgoing.withdrawn && !outgoing.feed.abandoned()) {
         outgoing.withdrawn = true;
         withdrawn.incrementAndGet();
      }
   }

   /**
    * Management: drops the connection(s) and binds again at once (any thread). Unanswered submit_sm are resent after
    * the new bind, as after any lost connection; a connect waiting out its backoff is made now.
    */
   void reconnect() {
      eventLoop.execute(() -> {
         if (stopping) {
            return;
         }
         logger.info("SMSC link {}: reconnect asked for by management", config.id());
         reconnectBackoffs.clear();
         for (Map.Entry<BindType, ScheduledFuture<?>> pending : new ArrayList<>(pendingConnects.entrySet())) {
            pending.getValue().cancel(false);
            pendingConnects.remove(pending.getKey());
            connect(pending.getKey());
         }
         for (SmscConnection connection : new ArrayList<>(connections)) {
            connection.closeForReconnect();
         }
      });
   }

   /** Sets what a role's connection is doing and the link's state from it (event loop). */
   void bindState(BindType role, BindState bindState) {
      if (stopping && bindState != BindState.UNBINDING) {
         return; // the link shows STOPPING, the roles their unbind; finishStop() sets STOPPED
      }
      if (role.canTransmit()) {
         transmitterState = bindState;
      }
      if (role.canReceive()) {
         receiverState = bindState;
      }
      if (stopping) {
         return;
      }
      boolean tx = transmitterState == BindState.BOUND;
      boolean rx = receiverState == BindState.BOUND;
      // A connection waiting for unbind_resp sends nothing new: not BOUND, so routing does not count the link as up.
      State next = transmitterState == BindState.UNBINDING || receiverState == BindState.UNBINDING ? State.UNBINDING
         : tx && rx ? State.BOUND : tx || rx ? State.PARTIALLY_BOUND : State.CONNECTING;
      // Routing prefers links bound in every role: a link without its receiver sends MT whose receipts do not come back.
      if (next == State.BOUND) {
         runtime.links().up(config.id());
         if (state != State.BOUND) {
            linkBoundSince = Instant.now();
         }
      } else {
         runtime.links().down(config.id());
         linkBoundSince = null;
      }
      state = next;
   }

   void failed(String error) {
      Instant now = Instant.now();
      lastError = now + " " + error;
      if (downSince == null) {
         downSince = now; // the outage's first failure: the retries' failures keep it
      }
   }

   static String roleName(BindType role) {
      return role.name().toLowerCase(Locale.ROOT);
   }

   /**
    * Opens a role's connection: the host is looked up off the event loop (again at each attempt, so a changed DNS entry
    * is seen), then the connection is made to the address found. A lookup that fails is a failed connect: logged,
    * LastError, backoff.
    */
   private void connect(BindType role) {
      if (stopping) {
         return;
      }
      SmscConnection connection = new SmscConnection(this, config, role);
      connections.add(connection);
      bindState(role, BindState.CONNECTING);
      LinkBootstrap.resolve(eventLoop, config.host(), config.port(), lookup).addListener(resolved -> {
         if (stopping) {
            connections.remove(connection); // nothing was opened
            return;
         }
         if (!resolved.isSuccess()) {
            connectFailed(connection, role, "host name not resolved: " + LinkBootstrap.failureCause(resolved));
            return;
         }
         bootstrap(connection).connect((java.net.InetSocketAddress) resolved.getNow()).addListener(future -> {
            if (!future.isSuccess()) {
               connectFailed(connection, role, LinkBootstrap.failureCause(future));
            }
         });
      });
   }

   private io.netty.bootstrap.Bootstrap bootstrap(SmscConnection connection) {
      return LinkBootstrap.on(eventLoop, config.responseTimeout(), ch -> {
         // The link writes a PDU per submit_sm and per deliver_sm_resp, from many event-loop tasks: one
         // socket write per read batch or task round instead of one per PDU.
         ch.pipeline().addLast(new FlushConsolidationHandler(FLUSHES_CONSOLIDATED, true));
         if (ssl != null) {
            // The configured host name, not the address it resolved to: SNI and the certificate's host check need it.
            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), config.host(), config.port()));
         }
         ch.pipeline().addLast(new PduFrameDecoder("SMPP", 16, 70_000));
         // Answers from the SMSC are read leniently (an id without its NUL, say): a refused one would leave the
         // part to be resent after response-timeout, a duplicate on the handset each time. Read as 3.4 until the
         // bind answer says which version the SMSC speaks (SmscConnection).
         ch.pipeline().addLast(new SmppPduDecoder(true, true));
         ch.pipeline().addLast(new SmppPduEncoder());
         // Reads only while the SMSC takes what the link writes and the link's deliveries unanswered are under the cap.
         ch.pipeline().addLast(connection.gate());
         ch.pipeline().addLast(connection);
      });
   }

   /** A connect attempt failed (its lookup or the TCP connect): logged, LastError, backoff. Event loop. */
   private void connectFailed(SmscConnection connection, BindType role, String cause) {
      connections.remove(connection);
      if (connectFailureLogged) {
         logger.debug("SMSC link {} could not connect to {}:{}: {}", config.id(), config.host(), config.port(), cause);
      } else {
         // The first of an episode (as malformed PDUs, decision 145): an SMSC the gateway cannot reach is
         // what an operator must see; the retries every reconnect step are quiet until the link binds again.
         connectFailureLogged = true;
         logger.warn("SMSC link {} could not connect to {}:{}: {} (retrying; further failures at DEBUG until it binds)",
                     config.id(), config.host(), config.port(), cause);
      }
      if (!stopping) {
         failed(roleName(role) + " connect to " + config.host() + ":" + config.port() + " failed: " + cause);
         bindState(role, BindState.DOWN);
      }
      scheduleReconnect(role);
   }

   private void scheduleReconnect(BindType role) {
      if (stopping) {
         return;
      }
      long delay = reconnectBackoffs.computeIfAbsent(role, r -> new ReconnectBackoff(config.reconnectMin(), config.reconnectMax()))
         .next();
      reconnects.incrementAndGet();
      pendingConnects.put(role, eventLoop.schedule(() -> {
         pendingConnects.remove(role);
         connect(role);
      }, jittered(delay, java.util.concurrent.ThreadLocalRandom.current().nextLong(Long.MAX_VALUE)), TimeUnit.MILLISECONDS));
   }

   /**
    * A random wait between half the backoff step and the whole step (decision 98), so that the links of a gateway (and
    * the gateways of a carrier) that lost one SMSC at the same moment do not all bind again at the same instants.
    */
   static long jittered(long stepMillis, long random) {
      long half = stepMillis / 2;
      return stepMillis - Math.floorMod(random, half + 1);
   }

   /**
    * Whether a bind that ends now lasted long enough to reset the backoff: reconnect-max, the longest step. A bind the
    * SMSC drops sooner (it accepts the bind, then closes at once) leaves the backoff growing, or such an SMSC would be
    * bound every reconnect-min for ever.
    */
   private boolean boundLongEnough(BindType role) {
      Long since = boundSince.remove(role);
      return since != null && System.nanoTime() - since >= config.reconnectMax().toNanos();
   }

   // ---------------------------------------------------------------- SMSC side (event loop)

   void onBindSent(SmscConnection connection) {
      bindState(connection.role(), BindState.BINDING);
   }

   /** @param scInterfaceVersion the bind answer's sc_interface_version, -1 when it had none */
   void onBound(SmscConnection connection, int scInterfaceVersion) {
      boundSince.put(connection.role(), System.nanoTime());
      receiptIdTooLongLogged = false;
      connectFailureLogged = false;
      if (connection.canSubmit()) {
         smscAnswered(Math.max(0, scInterfaceVersion));
         transmitter = connection;
      }
      bindState(connection.role(), BindState.BOUND);
      logBound(connection.role());
      if (connection.canSubmit()) {
         flush();
         broker.feed().consumer.promptDelivery();
      }
   }

   /**
    * The bind's INFO line; the one that ends an outage (the link BOUND again after a failure) says how long it was down,
    * since when, and what waits on the link's queue.
    */
   private void logBound(BindType role) {
      Instant down = downSince;
      if (state != State.BOUND || down == null) {
         logger.info("SMSC link {} bound as {}", config.id(), role);
         return;
      }
      downSince = null;
      org.apache.activemq.artemis.core.server.Queue queue = server.locateQueue(queueName);
      logger.info("SMSC link {} bound as {} after {} down (down since {}); {} message(s) waiting on {}", config.id(), role,
                  outage(java.time.Duration.between(down, Instant.now())), down, queue == null ? 0 : queue.getMessageCount(),
                  queueName);
   }

   /** An outage's length for the log: 12.3 s, 4 min 5 s, 2 h 3 min. */
   static String outage(java.time.Duration length) {
      long seconds = length.toSeconds();
      if (seconds < 60) {
         return String.format(Locale.ROOT, "%.1f s", length.toMillis() / 1000.0);
      }
      if (seconds < 3600) {
         return (seconds / 60) + " min " + (seconds % 60) + " s";
      }
      return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
   }

   /** The connection sent unbind (stop, reconnect) and waits for unbind_resp. */
   void onUnbinding(SmscConnection connection) {
      bindState(connection.role(), BindState.UNBINDING);
   }

   /**
    * A 3.4 SMSC answers a 3.4 bind with sc_interface_version; an answer with 3.3, or without it, says the SMSC takes no
    * TLVs: it refuses a submit_sm with TLVs (or the TLVs alone), so the link sends none to it and carries long messages
    * with a UDH. Set before the transmitter is, so every MT the broker gives from then on is built for it.
    */
   private void smscAnswered(int version) {
      smscInterfaceVersion = version;
      boolean tlvs = config.version34() && version >= 0x34;
      smsc34 = tlvs;
      if (tlvs || !config.version34()) {
         loggedVersion = -1;
      } else if (version != loggedVersion) {
         loggedVersion = version;
         logger.info("SMSC link {}: the SMSC answered the 3.4 bind with {}; submit_sm go to it without TLVs, long "
                     + "messages with a concatenation UDH", config.id(),
                     version == 0 ? "no sc_interface_version" : "sc_interface_version " + versionName(version));
      }
   }

   /** "3.4" for 0x34, "3.3" for 0x33, "5.0" for 0x50; "none" when the answer had none; "" before the first answer. */
   String smscInterfaceVersion() {
      int version = smscInterfaceVersion;
      return version < 0 ? "" : version == 0 ? "none" : versionName(version);
   }

   private static String versionName(int version) {
      return (version >> 4) + "." + (version & 0x0F);
   }

   void onDisconnected(SmscConnection connection) {
      connections.remove(connection);
      if (connection == transmitter) {
         transmitter = null;
         // Unanswered parts go out again after a fresh bind; the broker message stays ours meanwhile. A stop holds
         // them back instead: their messages go back to the queue.
         List<Part> unanswered = new ArrayList<>(inFlight.values());
         inFlight.clear();
         unanswered.sort((a, b) -> Integer.compare(a.sequence, b.sequence));
         for (int i = unanswered.size() - 1; i >= 0; i--) {
            Part part = unanswered.get(i);
            if (stopping) {
               withdraw(part.outgoing);
            } else if (part.outgoing.feed.abandoned()) {
               continue;
            } else if (part.unanswered >= config.maxUnansweredAttempts()) {
               giveUp(part);
            } else {
               // Only a part whose own answer was overdue counted an attempt (checkOverdue); the others lost theirs
               // with the bind and go again for free, bounded by their validity (flush).
               toSend.addFirst(part);
            }
         }
         if (!unanswered.isEmpty() && !stopping) {
            logger.info("SMSC link {}: {} submit_sm without response will be resent after the next bind", config.id(), unanswered.size());
         }
      }
      logger.info("SMSC link {} {} connection closed", config.id(), connection.role());
      if (stopping) {
         return;
      }
      if (!connection.closedForReconnect()) {
         String reason = connection.closeReason();
         failed(reason != null ? reason : roleName(connection.role()) + " connection closed by the SMSC");
      }
      bindState(connection.role(), BindState.DOWN);
      if (boundLongEnough(connection.role())) {
         reconnectBackoffs.remove(connection.role());
      }
      if (connection.closedForReconnect()) {
         reconnects.incrementAndGet();
         connect(connection.role()); // management asked for it: at once, not after a backoff
      } else {
         scheduleReconnect(connection.role());
      }
   }

   /**
    * A submit_sm unanswered past the response timeout counts an attempt of its part. on-unanswered = rebind: the
    * transmitter is reconnected and every part in flight goes again after the new bind (onDisconnected). requeue: a part
    * the SMSC has answered something since (a response, an enquire_link) goes again while the link stays bound; while
    * the SMSC has said nothing since, an enquire_link asks, and its own timeout rebinds a silent SMSC.
    */
   void checkOverdue(SmscConnection connection, long nowNanos) {
      if (connection != transmitter || inFlight.isEmpty() || stopping) {
         // During a stop nothing is sent again: the stop's own deadline bounds the wait, and then the link unbinds
         // instead of dropping the connection (an answer that comes with the unbind still settles its part).
         return;
      }
      long timeout = config.responseTimeout().toNanos();
      if (config.onUnanswered() == SmscLinkConfig.OnUnanswered.REQUEUE) {
         requeueOverdue(connection, nowNanos, timeout);
         return;
      }
      boolean overdue = false;
      for (Part part : inFlight.values()) {
         if (nowNanos - part.sentAtNanos > timeout) {
            overdue = true;
            if (!part.overdue) {
               part.overdue = true;
               part.unanswered++;
            }
         }
      }
      if (overdue) {
         logger.warn("SMSC link {}: submit_sm unanswered for {}; rebinding and resending", config.id(), config.responseTimeout());
         connection.close("submit_sm unanswered for " + config.responseTimeout());
      }
   }

   private void requeueOverdue(SmscConnection connection, long nowNanos, long timeout) {
      long heard = connection.lastReceivedNanos();
      boolean freed = false;
      int requeued = 0;
      boolean silent = false;
      for (java.util.Iterator<Part> it = inFlight.values().iterator(); it.hasNext(); ) {
         Part part = it.next();
         if (nowNanos - part.sentAtNanos <= timeout) {
            continue;
         }
         if (heard - part.sentAtNanos <= 0) {
            silent = true; // nothing from the SMSC since it went: ask before judging the part
            continue;
         }
         it.remove(); // a late answer to it is ignored, as after a rebind
         part.unanswered++;
         freed = true; // its window slot is free either way
         if (part.outgoing.feed.abandoned()) {
            continue;
         }
         if (part.unanswered >= config.maxUnansweredAttempts()) {
            giveUp(part);
         } else {
            toSend.addFirst(part);
            requeued++;
         }
      }
      if (silent) {
         connection.probe(nowNanos);
      }
      if (requeued > 0) {
         // An SMSC that keeps losing submit_sm made this a line per tick: counted, summed up by SmscLinkLogSummary.
         requeuedUnanswered.addAndGet(requeued);
         logger.debug("SMSC link {}: {} submit_sm unanswered for {} while the SMSC answers; sending again on the same bind",
                      config.id(), requeued, config.responseTimeout());
      }
      if (freed) {
         flush();
      }
   }

   /**
    * A part whose submit_sm went unanswered max-unanswered-attempts times: the SMSC may have taken it, or it drops it every
    * time; sending it again would only risk more copies on the handset. It ends with UNKNOWN 109, as a part the SMSC took
    * without a message id does: no receipt can be matched to it.
    */
   private void giveUp(Part part) {
      unansweredGivenUp.incrementAndGet();
      logger.warn("SMSC link {}: a part of {} went unanswered {} time(s); not sent again, reported UNKNOWN ({})", config.id(),
                  part.outgoing.template.smsId(), part.unanswered, UNANSWERED_ERROR);
      report(part, DeliveryState.UNKNOWN, UNANSWERED_ERROR, ReportCodes.SMSC_NO_ANSWER);
   }

   /**
    * Sends what waits, one max-submit-rate permit per submit_sm (every part, resends and throttling retries
    * included); without a permit the rest goes out from a task scheduled when the next one is due.
    */
   private void flush() {
      SmscConnection tx = transmitter;
      // Once a stop began nothing more goes out: what waits goes back to the queue (beginStop()). The window bounds the
      // submit_sm the SMSC has not answered too, not only the messages taken: 10 five-part MT are 50 PDUs, more than a
      // strict SMSC allows; the rest waits for an answer (onSubmitResponse flushes).
      // A throttling pause holds every submit_sm, resends and retries included; resumeAfterThrottling flushes.
      while (!stopping && !throttlePaused && tx != null && tx.canSubmit() && !toSend.isEmpty()
             && inFlight.size() < config.window()) {
         Part next = toSend.peek();
         if (next.outgoing.feed.abandoned()) {
            toSend.poll(); // back on the queue: the consumer that takes it now sends it
            continue;
         }
         Template t = next.outgoing.template;
         if ((next.sent || t.defaultValidity()) && System.currentTimeMillis() >= t.expiresAt()) {
            // A resend after a missing answer stops at the validity, as a throttling retry does. So does a first send
            // past the default validity (an MT that waited on the queue): the SMSC, told no validity, would take it and
            // deliver it after its EXPIRED report. An explicit validity goes to the SMSC, which applies it itself.
            toSend.poll();
            if (!next.sent) {
               expiredUnsent.incrementAndGet();
               logger.debug("SMSC link {}: a part of {} was past its validity before it was sent; reporting EXPIRED",
                            config.id(), next.outgoing.template.smsId());
               report(next, DeliveryState.EXPIRED, "000");
            } else if (next.unanswered == 0 && next.throttledAttempts > 0) {
               expireThrottled(next);
            } else {
               expiredUnanswered.incrementAndGet();
               report(next, DeliveryState.EXPIRED, "000");
            }
            continue;
         }
         if (!limiter.tryAcquire()) {
            if (!flushScheduled) {
               flushScheduled = true;
               eventLoop.schedule(scheduledFlush, Math.max(1, 1000 / Math.max(1, config.maxSubmitRate())), TimeUnit.MILLISECONDS);
            }
            return;
         }
         Part part = toSend.poll();
         part.sequence = tx.nextSequence();
         try {
            tx.writeEncoded(SubmitSmFactory.withSequence(part.pdu.pdu(), part.sequence));
         } catch (IllegalArgumentException e) {
            // A field the codec cannot represent: the SMSC would refuse it every time, so it ends like a refusal.
            refused.incrementAndGet();
            logger.warn("SMSC link {}: a part of {} cannot be sent: {}", config.id(), part.outgoing.template.smsId(), e.getMessage());
            report(part, DeliveryState.REJECTD, errorCode(unsendableStatus(e)));
            continue;
         }
         part.sentAtNanos = System.nanoTime();
         part.sent = true;
         part.overdue = false;
         part.sentInPauseEpoch = throttlePauses.get();
         inFlight.put(part.sequence, part);
         submitted.incrementAndGet();
      }
   }

   /**
    * An ESME_RINVBNDSTS answer on {@code connection} (event loop). One such answer is an SMSC that lost a session, and the
    * rebind cures it; the same answer again on the bind after it is an SMSC that takes binds but no submit_sm: said at
    * WARN once, until a submit_sm is accepted again (then at INFO), not once per part or per rebind.
    */
   private void invalidBindAnswer(SmscConnection connection) {
      if (connection == invalidBindConnection) {
         return; // the rest of the window on the same bind
      }
      invalidBindConnection = connection;
      if (++invalidBindBinds == 2) {
         logger.warn("SMSC link {}: the SMSC answers submit_sm ESME_RINVBNDSTS again after a new bind; rebinding and "
                     + "resending, a part so answered {} time(s) is reported REJECTD ({})", config.id(),
                     config.maxUnansweredAttempts(), errorCode(SmppStatus.ESME_RINVBNDSTS));
      }
   }

   private void invalidBindEpisodeOver() {
      if (invalidBindBinds >= 2) {
         logger.info("SMSC link {}: submit_sm accepted again after {} bind(s) in a row answered ESME_RINVBNDSTS", config.id(),
                     invalidBindBinds);
      }
      invalidBindBinds = 0;
      invalidBindConnection = null;
   }

   /** The status an SMSC would answer for the field the codec refused. */
   private static int unsendableStatus(IllegalArgumentException refusal) {
      String field = refusal instanceof UnencodableFieldException f ? f.field() : "";
      return switch (field) {
         case "destination_addr" -> SmppStatus.ESME_RINVDSTADR;
         case "source_addr" -> SmppStatus.ESME_RINVSRCADR;
         case "short_message" -> SmppStatus.ESME_RINVMSGLEN;
         default -> SmppStatus.ESME_RSUBMITFAIL;
      };
   }

   void onSubmitResponse(SmscConnection connection, int sequence, int status, String smscMessageId) {
      Part part = connection == transmitter ? inFlight.remove(sequence) : null;
      if (part == null) {
         return; // a late answer to something already resent
      }
      if (status == SmppStatus.ESME_RTHROTTLED || status == SmppStatus.ESME_RMSGQFUL) {
         pauseForThrottling(part); // before the slot it frees sends the next part into the same throttling
      }
      if (!toSend.isEmpty()) {
         flush(); // parts waiting for a free window slot
      }
      if (part.outgoing.feed.abandoned()) {
         abandonedResponse(part, status, smscMessageId);
         return;
      }
      if (status == SmppStatus.ESME_ROK) {
         accepted.incrementAndGet();
         if (invalidBindBinds > 0) {
            invalidBindEpisodeOver();
         }
         if (++acceptedInARow == THROTTLE_CALM_ANSWERS) {
            throttlePauseStep = config.throttlePause().toMillis(); // the SMSC keeps up again
         }
         if (smscMessageId != null && !smscMessageId.isEmpty()) {
            correlate(part, smscMessageId);
         } else {
            // Accepted, so the handset probably gets it, but no receipt can ever be matched to it: not a refusal
            // (REJECTD would tell the SP and billing that it failed), and no record, which nothing could match.
            logger.warn("SMSC link {} accepted a part of {} without a message_id; its report says UNKNOWN ({})",
                        config.id(), part.outgoing.template.smsId(), NO_MESSAGE_ID_ERROR);
            report(part, DeliveryState.UNKNOWN, NO_MESSAGE_ID_ERROR);
         }
      } else if (status == SmppStatus.ESME_RINVBNDSTS) {
         // The SMSC no longer counts this bind as bound: bind again and resend, as for an unanswered part (up to the
         // MT's validity and max-unanswered-attempts such answers).
         if (stopping) {
            withdraw(part.outgoing); // its message goes back to the queue; the other answers still count
            return;
         }
         invalidBindAnswer(connection);
         if (System.currentTimeMillis() >= part.outgoing.template.expiresAt()) {
            expireThrottled(part);
         } else if (++part.invalidBindAnswers >= config.maxUnansweredAttempts()) {
            // Answered each time, and each time not taken: a refusal like any other (REJECTD, the status in decimal),
            // not UNKNOWN, which is for parts whose fate nobody told. The bind still goes: the SMSC said it is broken.
            refused.incrementAndGet();
            lastRefusal = SmppStatus.name(status);
            logger.debug("SMSC link {}: a part of {} was answered {} {} time(s); not sent again, reported REJECTD",
                         config.id(), part.outgoing.template.smsId(), lastRefusal, part.invalidBindAnswers);
            report(part, DeliveryState.REJECTD, errorCode(status), ReportCodes.smscRefusal(status));
         } else {
            inFlight.put(sequence, part);
         }
         connection.close("submit_sm answered " + SmppStatus.name(status));
      } else if (retriedLater(status)) {
         throttled.incrementAndGet();
         part.throttledAttempts++;
         if (stopping) {
            withdraw(part.outgoing); // not tried again during the stop: its message goes back to the queue
            return;
         }
         long now = System.currentTimeMillis();
         if (now >= part.outgoing.template.expiresAt()) {
            expireThrottled(part);
            return;
         }
         long delay = Math.min(config.reconnectMin().toMillis() * (1L << Math.min(part.throttledAttempts, 10)), config.reconnectMax().toMillis());
         // Never wait past the validity: the EXPIRED report is due then, not at the next backoff step.
         delay = Math.min(Math.max(delay, 10), part.outgoing.template.expiresAt() - now);
         backingOff.add(part);
         eventLoop.schedule(() -> {
            if (!backingOff.remove(part)) {
               return; // held back by a stop
            }
            if (part.outgoing.feed.abandoned()) {
               return; // back on the queue meanwhile: the consumer that takes it now sends it
            }
            if (System.currentTimeMillis() >= part.outgoing.template.expiresAt()) {
               expireThrottled(part);
            } else {
               toSend.addFirst(part);
               flush();
            }
         }, delay, TimeUnit.MILLISECONDS);
      } else {
         refused.incrementAndGet();
         // One line per part would be thousands a second when an SMSC refuses a whole range: counted, summed up by
         // SmscLinkLogSummary.
         lastRefusal = SmppStatus.name(status);
         logger.debug("SMSC link {} refused a part of {}: {}", config.id(), part.outgoing.template.smsId(), lastRefusal);
         // CMPP SPs read the refusal as MB:xxxx (the SMSC answered with an error); ESMEs as REJECTD with the status as err
         report(part, DeliveryState.REJECTD, errorCode(status), ReportCodes.smscRefusal(status));
      }
   }

   /**
    * The SMSC says it gets submit_sm faster than it takes them: no new one goes out for the current pause step (a
    * scheduled resume on the event loop, never a sleep), so the parts behind this one do not each get throttled and
    * burn their own retries. Only an answer to a submit_sm written since the last pause began starts a new pause and
    * doubles the step (up to THROTTLE_PAUSE_GROWTH times throttle-pause): the rest of a window sent before it says
    * nothing about the rate since. The throttled part waits its own backoff as well.
    */
   private void pauseForThrottling(Part part) {
      acceptedInARow = 0;
      long first = config.throttlePause().toMillis();
      if (first <= 0 || throttlePaused || part.sentInPauseEpoch != throttlePauses.get()) {
         return;
      }
      long pause = throttlePauseStep;
      throttlePauseStep = nextThrottlePause(pause, first);
      throttlePaused = true;
      throttlePauses.incrementAndGet();
      logger.debug("SMSC link {} throttled: no new submit_sm for {} ms", config.id(), pause);
      eventLoop.schedule(resumeAfterThrottling, pause, TimeUnit.MILLISECONDS);
   }

   /** The pause after {@code pause}: twice as long, at most THROTTLE_PAUSE_GROWTH times the first. */
   static long nextThrottlePause(long pause, long first) {
      return Math.min(pause * 2, first * SmscLinkConfig.THROTTLE_PAUSE_GROWTH);
   }

   /**
    * Answers retried with backoff until the MT's validity: throttling, a full queue, and the errors SMSCs give for a
    * passing fault of their own (ESME_RSYSERR, ESME_RX_T_APPN), which say nothing against the message.
    */
   private static boolean retriedLater(int status) {
      return status == SmppStatus.ESME_RTHROTTLED || status == SmppStatus.ESME_RMSGQFUL
         || status == SmppStatus.ESME_RSYSERR || status == SmppStatus.ESME_RX_T_APPN;
   }

   /**
    * The answer to a part whose message went back to the queue when the broker closed the consumer it came from
    * (decision 66): it is sent again from there. An ESME_ROK still gets its correlation record, so the receipt of the copy
    * the SMSC took matches and reaches the SP (the identity of the report deduplicates it against the one for the copy
    * sent again); nothing is acknowledged, retried or reported.
    */
   private void abandonedResponse(Part part, int status, String smscMessageId) {
      if (status == SmppStatus.ESME_ROK && smscMessageId != null && !smscMessageId.isEmpty()) {
         accepted.incrementAndGet();
         logger.info("SMSC link {}: a part of {} accepted by the SMSC after its message went back to the queue; it is "
                     + "sent again from there", config.id(), part.outgoing.template.smsId());
         correlate(part, smscMessageId);
      }
   }

   /**
    * A part the SMSC kept throttling until the MT's validity ended: it would not be delivered any more, so it ends
    * as an MT whose validity ran out elsewhere does (EXPIRED, error 000), and its window slot is freed.
    */
   private void expireThrottled(Part part) {
      expiredThrottled.incrementAndGet();
      logger.debug("SMSC link {}: a part of {} was still throttled when its validity ended; reporting EXPIRED",
                   config.id(), part.outgoing.template.smsId());
      report(part, DeliveryState.EXPIRED, "000");
   }

   /** Records the part durably (so its receipt can be matched), then counts it as resolved. */
   private void correlate(Part part, String smscMessageId) {
      correlate(part, smscMessageId, System.currentTimeMillis());
   }

   private void correlate(Part part, String smscMessageId, long acceptedAt) {
      String key = ReceiptIds.fromResponse(smscMessageId, config.receiptIdFormat());
      if (key.isEmpty() || key.length() > CorrelationRecord.MAX_ID_LENGTH) {
         // No record can hold the id, so no receipt can ever be matched: settled as accepted without an id (UNKNOWN
         // 107), not resent (the SMSC took it) and never an exception on the event loop, which would close the bind.
         logger.warn("SMSC link {} accepted a part of {} with a message_id of {} characters, more than a correlation "
                     + "record holds ({}); its report says UNKNOWN ({})", config.id(), part.outgoing.template.smsId(),
                     key.length(), CorrelationRecord.MAX_ID_LENGTH, NO_MESSAGE_ID_ERROR);
         report(part, DeliveryState.UNKNOWN, NO_MESSAGE_ID_ERROR);
         return;
      }
      CorrelationRecord record = record(part, key, part.outgoing.template.recordExpiry(acceptedAt));
      store.put(record).whenCompleteAsync((ok, failure) -> {
         if (failure != null) {
            // Store full or failing: try again shortly; the broker message stays unacknowledged meanwhile. Per part and
            // every 100 ms while it lasts, so DEBUG and counted in the once-a-minute summary (SmscLinkLogSummary).
            recordPutsFailed.incrementAndGet();
            logger.debug("SMSC link {}: correlation record for {} not stored ({}); retrying", config.id(), LogText.safe(smscMessageId), failure.toString());
            eventLoop.schedule(() -> correlate(part, smscMessageId, acceptedAt), 100, TimeUnit.MILLISECONDS);
            return;
         }
         resolved(part.outgoing);
      }, eventLoop);
   }

   /** An MT that ended without reaching the SMSC: tell its origin with a DR, then it is resolved. */
   private void report(Part part, DeliveryState state, String error) {
      report(part, state, error, null);
   }

   /** As {@link #report(Part, DeliveryState, String)}, with the outcome's CMPP network code (smsNetworkCode), or null. */
   private void report(Part part, DeliveryState state, String error, String networkCode) {
      if (part.outgoing.feed.abandoned()) {
         return; // back on the queue: the copy delivered again gets its own outcome
      }
      CorrelationRecord record = record(part, LinkMessages.NO_SMSC_ID, part.outgoing.template.expiresAt());
      Message dr = messages.report(server.getStorageManager().generateID(), record, state, error, networkCode, System.currentTimeMillis());
      sendDurably(dr, () -> resolved(part.outgoing),
                  () -> eventLoop.schedule(() -> report(part, state, error, networkCode), 1, TimeUnit.SECONDS));
   }

   /**
    * The message is done with: its acknowledgement joins the batch that one event-loop task commits after the
    * work queued now (all the correlation records one store sync completed, say), instead of a transaction, a
    * journal commit and a queue wake-up per message (decision 34).
    */
   private void resolved(Outgoing outgoing) {
      LinkFeed.Feed feed = outgoing.feed;
      if (feed.abandoned()) {
         return; // back on the queue, its slot freed: nothing to acknowledge
      }
      if (--outgoing.unresolved > 0) {
         return;
      }
      feed.settle();
      if (feed.gone()) {
         // The broker took the consumer away and the message is (or is about to be) back on the queue: acknowledging
         // would fail and make the whole batch roll back, putting back messages acknowledged with it.
         reserved.decrementAndGet();
         return;
      }
      if (acks.isEmpty()) {
         eventLoop.execute(commitAcks);
      }
      try {
         acks.acknowledge(feed.consumer, outgoing.messageId);
      } catch (Exception e) {
         logger.warn("SMSC link {}: could not acknowledge message {}", config.id(), outgoing.messageId, e);
      }
   }

   private CorrelationRecord record(Part part, String smscMessageId, long expiresAt) {
      Template t = part.outgoing.template;
      return new CorrelationRecord(config.id(), smscMessageId, t.smsId(), t.account(), t.originGateway(), t.source(),
         t.destination(), t.serviceId(), t.feeUserType(), t.feeType(), t.feeCode(), t.feeTerminal(), t.submitTime(),
         expiresAt, part.pdu.segmentRef(), part.pdu.segmentTotal(), part.pdu.segmentNumber(), t.registeredDelivery(),
         t.protocol(), t.version(), part.outgoing.parts.size() > 1, // several parts: this link split the MT
         t.correlationId(), t.serviceType(), t.sourceTon(), t.sourceNpi(), t.destinationTon(), t.destinationNpi(),
         config.correlationGroup(),
         part.pdu.smsParts()); // a long text sent whole as message_payload: the SMS the SMSC cuts it into
   }

   void onDeliverSm(SmscConnection connection, DeliverSm deliver) {
      SmscReceipt unflagged;
      if (SmscReceipt.isReceipt(deliver.esmClass())) {
         onReceipt(deliver.shortMessage(), SmscReceipt.read(deliver.esmClass(), deliver.shortMessage(), deliver.tlvs(), config.receiptIdFormat()).orElse(null),
                   status -> connection.answer(deliver.response(status)), null);
         return;
      }
      byte[] userData = deliver.shortMessage().length == 0 && deliver.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)
         ? deliver.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD) : deliver.shortMessage();
      if ((unflagged = receiptByContent(deliver.esmClass(), userData, deliver.tlvs())) != null) {
         onReceipt(userData, unflagged, status -> connection.answer(deliver.response(status)),
                   new LinkMessages.MoPdu(deliver.sourceAddr(), deliver.destinationAddr(), deliver.esmClass(),
                                          deliver.protocolId(), deliver.dataCoding(), userData, deliver.tlvs()));
      } else {
         Message mo = messages.mobileOriginated(server.getStorageManager().generateID(), runtime.nextSmppMessageId(true),
            deliver.sourceAddr(), deliver.destinationAddr(), deliver.esmClass(), deliver.protocolId(), deliver.dataCoding(),
            userData, deliver.tlvs(), version);
         moReceived.incrementAndGet();
         sendDurably(mo, () -> connection.answer(deliver.response(SmppStatus.ESME_ROK)),
                     () -> connection.answer(deliver.response(SmppStatus.ESME_RX_T_APPN)));
      }
   }

   void onDataSm(SmscConnection connection, DataSm data) {
      byte[] payload = data.tlvs().contains(TlvTag.MESSAGE_PAYLOAD) ? data.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD) : new byte[0];
      SmscReceipt unflagged;
      if (SmscReceipt.isReceipt(data.esmClass())) {
         onReceipt(payload, SmscReceipt.read(data.esmClass(), payload, data.tlvs(), config.receiptIdFormat()).orElse(null), status -> connection.answer(data.response(status, "")), null);
      } else if ((unflagged = receiptByContent(data.esmClass(), payload, data.tlvs())) != null) {
         onReceipt(payload, unflagged, status -> connection.answer(data.response(status, "")),
                   new LinkMessages.MoPdu(data.sourceAddr(), data.destinationAddr(), data.esmClass(), 0, data.dataCoding(),
                                          payload, data.tlvs()));
      } else {
         Message mo = messages.mobileOriginated(server.getStorageManager().generateID(), runtime.nextSmppMessageId(true),
            data.sourceAddr(), data.destinationAddr(), data.esmClass(), 0, data.dataCoding(), payload, data.tlvs(), version);
         moReceived.incrementAndGet();
         sendDurably(mo, () -> connection.answer(data.response(SmppStatus.ESME_ROK, "")),
                     () -> connection.answer(data.response(SmppStatus.ESME_RX_T_APPN, "")));
      }
   }

   /**
    * A receipt the SMSC sent as a message of the default type (esm_class 0), known by its receipted_message_id or its
    * receipt text (receipts-by-content, decision 118); null for an MO, and for every other message type, which keeps
    * what esm_class says.
    */
   private SmscReceipt receiptByContent(int esmClass, byte[] userData, Tlvs tlvs) {
      if (!config.receiptsByContent() || (esmClass & 0x3C) != 0) {
         return null;
      }
      return SmscReceipt.readByContent(userData, tlvs, config.receiptIdFormat()).orElse(null);
   }

   /**
    * Matches a receipt to its MT and emits the DR; a receipt that matches nothing goes to the parking queue.
    * The SMSC gets its response only once the DR is durable, so it resends if the gateway stops before.
    * {@code byContent}: the PDU of a receipt known only by its content (esm_class 0), null for one esm_class flags; it
    * is a receipt only if it comes from its record's recipient ({@link #fromRecipient}), else the MO it is.
    */
   private void onReceipt(byte[] text, SmscReceipt receipt, java.util.function.IntConsumer respond,
                          LinkMessages.MoPdu byContent) {
      if (receipt == null) {
         receiptsUnmatched.incrementAndGet();
         Message parked = messages.unmatched(server.getStorageManager().generateID(), null, null, text);
         sendDurably(parked, () -> respond.accept(SmppStatus.ESME_ROK), () -> respond.accept(SmppStatus.ESME_RX_T_APPN));
         return;
      }
      String key = receipt.smscMessageId();
      if (key.length() > CorrelationRecord.MAX_ID_LENGTH) {
         receiptIdTooLong(text, receipt, respond, byContent);
         return;
      }
      // An id as given can be longer than its key (leading zeros); no record was ever stored under one past the limit.
      String legacyKey = receipt.legacyKey() != null && receipt.legacyKey().length() <= CorrelationRecord.MAX_ID_LENGTH
         ? receipt.legacyKey() : null;
      findRecord(store, key, legacyKey, true).whenCompleteAsync((found, failure) -> {
         if (failure != null) {
            logger.warn("SMSC link {}: receipt {} lookup failed: {}", config.id(), LogText.safe(key), failure.toString());
            respond.accept(SmppStatus.ESME_RX_T_APPN);
         } else if (byContent != null && found.isPresent() && !fromRecipient(found.get(), byContent)) {
            notFromRecipient(key, byContent, null, () -> respond.accept(SmppStatus.ESME_ROK),
                             () -> respond.accept(SmppStatus.ESME_RX_T_APPN));
         } else if (found.isPresent()) {
            receiptsMatched.incrementAndGet();
            // removed under the key it was found by (a legacy record's differs from the receipt's)
            emitMatched(found.get(), receipt, found.get().smscMessageId(), System.currentTimeMillis(),
                        () -> respond.accept(SmppStatus.ESME_ROK), () -> respond.accept(SmppStatus.ESME_RX_T_APPN));
         } else {
            receiptsUnmatched.incrementAndGet();
            logger.debug("SMSC link {}: receipt for unknown message id {} parked on {}", config.id(), LogText.safe(key), LinkMessages.UNMATCHED_RECEIPTS);
            Message parked = messages.unmatched(server.getStorageManager().generateID(), key, receipt, text, byContent);
            sendDurably(parked, () -> respond.accept(SmppStatus.ESME_ROK), () -> respond.accept(SmppStatus.ESME_RX_T_APPN));
         }
      }, eventLoop);
   }

   /**
    * The record a receipt for {@code key} is of. First under the link's correlation group, which the links bound to one
    * SMSC account share (the SMSC hands the account's receipts to any of its binds), then under the link's own name,
    * where records stored before correlation groups are (an upgrade; they go within their MT's validity and grace),
    * also under {@code legacyKey}, the id exactly as given, where such a record stored before as-given ids were keyed
    * tolerantly is (null: none), then in the groups the link's account had before a reload or restart changed its group
    * ({@link #previousGroups}: the records of MT sent before the change, by any link of the account, are keyed there).
    * All are looked up before the receipt waits for a record being stored under the group ({@code wait}: a receipt
    * overtaking its submit_sm_resp), so a receipt of an older record does not wait. Any thread; {@code store} is the
    * link's (the parked receipts' retrier passes its own).
    */
   CompletionStage<Optional<CorrelationRecord>> findRecord(CorrelationStore store, String key, String legacyKey, boolean wait) {
      String group = config.correlationGroup();
      boolean ownName = group.equals(config.id());
      List<String> previous = previousGroups;
      if (ownName && legacyKey == null && previous.isEmpty()) {
         return wait ? store.matchReceipt(group, key) : store.get(group, key);
      }
      CompletionStage<Optional<CorrelationRecord>> lookup = store.get(group, key);
      if (!ownName) {
         lookup = orElse(lookup, () -> store.get(config.id(), key));
      }
      for (String before : previous) {
         if (!before.equals(group) && !before.equals(config.id())) {
            lookup = orElse(lookup, () -> store.get(before, key));
         }
      }
      if (legacyKey != null) {
         lookup = orElse(lookup, () -> store.get(config.id(), legacyKey));
      }
      return wait ? orElse(lookup, () -> store.matchReceipt(group, key)) : lookup;
   }

   private static CompletionStage<Optional<CorrelationRecord>> orElse(CompletionStage<Optional<CorrelationRecord>> first,
         java.util.function.Supplier<CompletionStage<Optional<CorrelationRecord>>> next) {
      return first.thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found) : next.get());
   }

   /**
    * A receipt whose message id is longer than a correlation record holds. No record can have it (a submit_sm_resp with
    * such an id ends UNKNOWN 107 without one), so no lookup, now or later, can match it: it is parked with its id
    * ({@link ParkedReceiptRetrier} sets it aside at its next scan, for an operator) and answered ESME_ROK once stored.
    * Before, the store refused the lookup and the answer was ESME_RX_T_APPN, so the SMSC sent it again and again, with a
    * WARN each time. One WARN per bind, counted in the minute's summary.
    */
   private void receiptIdTooLong(byte[] text, SmscReceipt receipt, java.util.function.IntConsumer respond,
                                 LinkMessages.MoPdu byContent) {
      String key = receipt.smscMessageId();
      receiptsUnmatched.incrementAndGet();
      receiptIdsTooLong.incrementAndGet();
      if (!receiptIdTooLongLogged) {
         receiptIdTooLongLogged = true;
         logger.warn("SMSC link {}: a receipt for message id {} of {} characters, longer than any correlation record holds "
                     + "({}), cannot match an MT; parked on {} and answered ESME_ROK (further ones until the next bind are "
                     + "counted in the link's summary)", config.id(), LogText.safe(key), key.length(),
                     CorrelationRecord.MAX_ID_LENGTH, LinkMessages.UNMATCHED_RECEIPTS);
      }
      Message parked = messages.unmatched(server.getStorageManager().generateID(), key, receipt, text, byContent);
      sendDurably(parked, () -> respond.accept(SmppStatus.ESME_ROK), () -> respond.accept(SmppStatus.ESME_RX_T_APPN));
   }

   /**
    * Whether a receipt known only by its content comes from the MT its record is of: its source is the MT's recipient
    * and its destination the source the MT went out with. A handset can send any receipt text to a service number;
    * the number the network gives as its source it cannot choose (decision 128).
    */
   boolean fromRecipient(CorrelationRecord record, LinkMessages.MoPdu pdu) {
      String mtSource = config.sourceOverride().isEmpty() ? record.source() : config.sourceOverride();
      return ReceiptSender.fromRecipient(record, mtSource, pdu.source(), pdu.destination());
   }

   /**
    * A receipt-looking MO whose record names another recipient: delivered as the MO it is; the record and the MT's
    * state stay as they are, so the real receipt still matches. One line per message, so DEBUG and counted in the
    * minute's summary (a subscriber can send such texts in numbers). Call on the event loop.
    */
   private void notFromRecipient(String key, LinkMessages.MoPdu pdu, String duplicateId, Runnable onDurable,
                                 Runnable onFailed) {
      logger.debug("SMSC link {}: a receipt text for {} from {} to {}, not the MT's recipient and source; delivered as "
                   + "an MO", config.id(), LogText.safe(key), LogText.safe(pdu.source().address()),
                   LogText.safe(pdu.destination().address()));
      Message mo = messages.mobileOriginated(server.getStorageManager().generateID(), runtime.nextSmppMessageId(true), pdu, version);
      if (duplicateId != null) {
         mo.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, duplicateId);
      }
      // Counted once stored: a try refused (ESME_RX_T_APPN, or a parked copy tried again later) comes again.
      sendDurably(mo, () -> {
         receiptsNotFromRecipient.incrementAndGet();
         moReceived.incrementAndGet();
         onDurable.run();
      }, onFailed);
   }

   /**
    * A parked receipt known only by its content whose record, found on a later try, names another recipient: the MO
    * it is goes to sms.mo ({@link ParkedReceiptRetrier} then deletes the parked copy). {@code parkedId} (the parked
    * message's broker id) makes its duplicate id: a crash before the deletion makes no second MO. Call on any thread.
    */
   void emitParkedAsMo(String key, LinkMessages.MoPdu pdu, long parkedId, Runnable onDurable, Runnable onFailed) {
      String duplicateId = "smsgw-parked-mo:" + config.id() + ":" + parkedId;
      eventLoop.execute(() -> notFromRecipient(key, pdu, duplicateId, onDurable, onFailed));
   }

   /**
    * A parked receipt whose record has appeared since ({@link ParkedReceiptRetrier}): the same DR as a
    * receipt matched on arrival. Call on any thread; the callbacks run on the event loop.
    */
   void emitRematched(CorrelationRecord record, SmscReceipt receipt, long arrivedMillis, Runnable onDurable, Runnable onFailed) {
      eventLoop.execute(() -> emitMatched(record, receipt, record.smscMessageId(), arrivedMillis, () -> {
         receiptsRematched.incrementAndGet();
         onDurable.run();
      }, onFailed));
   }

   /**
    * Emits the DR of a matched receipt. For a final state, {@code onDurable} (the SMSC's answer) waits until the record
    * is removed too: a stop in between answers the receipt, and any repeat of it, ESME_RX_T_APPN (decision 119), so the
    * SMSC sends it again and the record goes then (the repeated DR is dropped by its duplicate id); answered ESME_ROK
    * with the record still there, nothing would remove it, and at the MT's validity it would report EXPIRED after the
    * final state (decision 68).
    */
   private void emitMatched(CorrelationRecord record, SmscReceipt receipt, String key, long arrivedMillis,
                            Runnable onDurable, Runnable onFailed) {
      if (!receipt.state().isFinal()) {
         sendDurably(messages.receipt(server.getStorageManager().generateID(), record, receipt, arrivedMillis), onDurable, onFailed);
         return;
      }
      if (!removalsRetrying.isEmpty()) {
         List<RepeatAnswer> waiting = removalsRetrying.get(key);
         if (waiting != null) {
            // The SMSC repeats a receipt whose DR is durable and whose record the store has not let go of yet: a second
            // DR would only be dropped as a repeat, and only while the broker's id cache still holds the first.
            waiting.add(new RepeatAnswer(onDurable, onFailed));
            return;
         }
      }
      Message dr = messages.receipt(server.getStorageManager().generateID(), record, receipt, arrivedMillis);
      // under the group it was found in (a record stored before correlation groups is under the link's name)
      String group = record.correlationGroup();
      sendDurably(dr, () -> removeRecord(group, key, onDurable, onFailed, 0), onFailed);
   }

   /**
    * Removes the record of a final receipt whose DR is durable, then runs {@code onRemoved}. A removal the store
    * refuses or cannot write is tried again, after 100 ms doubling up to 30 s, for as long as the link runs.
    */
   private void removeRecord(String group, String key, Runnable onRemoved, Runnable onStopped, int failures) {
      store.remove(group, key).whenCompleteAsync((ok, failure) -> {
         if (failure == null) {
            List<RepeatAnswer> waiting = failures > 0 ? removalsRetrying.remove(key) : null;
            if (failures > 0) {
               logger.info("SMSC link {}: correlation record {} removed after {} failed tries", config.id(), LogText.safe(key), failures);
            }
            onRemoved.run();
            if (waiting != null) {
               waiting.forEach(repeat -> repeat.onRemoved().run());
            }
            return;
         }
         recordRemovalsFailed.incrementAndGet();
         Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
         if (stopping || cause instanceof IllegalStateException) {
            // The store is closing: a temporary error (ESME_RX_T_APPN), so the SMSC sends the receipt again after the
            // restart; the record goes then, and the repeated DR is dropped by its duplicate id.
            List<RepeatAnswer> waiting = removalsRetrying.remove(key);
            logger.warn("SMSC link {}: correlation record {} not removed after its final receipt ({}); the link stops and "
                        + "the SMSC, answered with a temporary error, sends the receipt again", config.id(), LogText.safe(key), cause.toString());
            onStopped.run();
            if (waiting != null) {
               // The repeats too: unanswered, they would keep the unbind waiting for its timer.
               waiting.forEach(repeat -> repeat.onStopped().run());
            }
            return;
         }
         long delay = Math.min(REMOVAL_RETRY_MAX_MILLIS, REMOVAL_RETRY_MIN_MILLIS << Math.min(failures, 16));
         if (failures == 0) {
            removalsRetrying.putIfAbsent(key, new ArrayList<>(1));
            logger.warn("SMSC link {}: correlation record {} not removed after its final receipt ({}); trying again, the "
                        + "SMSC's answer waits", config.id(), LogText.safe(key), cause.toString());
         } else {
            logger.debug("SMSC link {}: removal {} of correlation record {} failed ({})", config.id(), failures + 1, LogText.safe(key),
                         cause.toString());
         }
         eventLoop.schedule(() -> removeRecord(group, key, onRemoved, onStopped, failures + 1), delay, TimeUnit.MILLISECONDS);
      }, eventLoop);
   }

   /**
    * A record whose MT got neither a final receipt nor was refused before its validity ended. The stage completes
    * once the EXPIRED report is durable: only then does the store drop the record. When the report cannot be
    * stored, the stage fails a second later and the store reports the record again at a later expiry.
    */
   CompletionStage<Void> onExpired(CorrelationRecord record) {
      CompletableFuture<Void> reported = new CompletableFuture<>();
      // no receipt came: EXPIRED for ESMEs, MC:0000 (no report from the SMSC) for CMPP SPs
      Message dr = messages.report(server.getStorageManager().generateID(), record, DeliveryState.EXPIRED, "000",
                                   ReportCodes.SMSC_NO_REPORT, System.currentTimeMillis());
      sendDurably(dr, () -> reported.complete(null), () -> {
         expiredReportsFailed.incrementAndGet();
         logger.warn("SMSC link {}: EXPIRED report for {} could not be stored; trying again", config.id(), record.smsId());
         // A pause before the store tries again, so a broken journal or full address is not retried in a loop.
         eventLoop.schedule(() -> reported.completeExceptionally(new IllegalStateException("EXPIRED report not stored")),
                            1, TimeUnit.SECONDS);
      });
      return reported;
   }

   /**
    * A record that a put of another MT's record under the same SMSC message id replaces (the SMSC reused the id while
    * this MT's receipt was awaited): its MT gets a final UNKNOWN report, error {@link #DISPLACED_ERROR}, made as an
    * expired record's is. The stage completes once the report is durable: only then does the store write the put
    * that replaces the record. When the report cannot be stored, the stage fails a second later; the put fails
    * with it, the record stays, and the link's retry of the put makes the report again.
    */
   CompletionStage<Void> onDisplaced(CorrelationRecord record) {
      CompletableFuture<Void> reported = new CompletableFuture<>();
      Message dr = messages.report(server.getStorageManager().generateID(), record, DeliveryState.UNKNOWN, DISPLACED_ERROR,
                                   System.currentTimeMillis());
      logger.debug("SMSC link {}: the SMSC gave message id {} of {} to another MT; its report says UNKNOWN ({})", config.id(),
                   LogText.safe(record.smscMessageId()), record.smsId(), DISPLACED_ERROR);
      sendDurably(dr, () -> reported.complete(null), () -> {
         logger.warn("SMSC link {}: UNKNOWN report for {}, whose record another MT's replaced, could not be stored; trying "
                     + "again", config.id(), record.smsId());
         eventLoop.schedule(() -> reported.completeExceptionally(new IllegalStateException("UNKNOWN report not stored")),
                            1, TimeUnit.SECONDS);
      });
      return reported;
   }

   private void sendDurably(Message message, Runnable onDurable, Runnable onFailed) {
      if (broker.diskFull()) {
         // Checked first to keep the link's sends off the full disk (decision 129); sent anyway, DurableSender would refuse
         // it (DurableSender.StorageFull, decision 131). The SMSC is answered with a temporary error and sends it
         // again, a report is tried again.
         eventLoop.execute(onFailed);
         return;
      }
      try {
         DurableSender.Result result = broker.sender().send(List.of(message), new IOCallback() {
            @Override
            public void done() {
               eventLoop.execute(onDurable);
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
               eventLoop.execute(onFailed);
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("SMSC link {}: {} has no queue; message not kept", config.id(), message.getAddress());
            eventLoop.execute(onFailed);
         }
      } catch (DurableSender.StorageFull e) {
         // Each receipt or MO the SMSC sends meanwhile would be a WARN with a stack trace: counted for the summary.
         logger.debug("SMSC link {}: not stored, {}", config.id(), e.getMessage());
         refusedAddressFull.incrementAndGet();
         eventLoop.execute(onFailed);
      } catch (Exception e) {
         logger.warn("SMSC link {}: broker send failed", config.id(), e);
         eventLoop.execute(onFailed);
      }
   }

   private static String errorCode(int status) {
      String digits = Integer.toString(status);
      return digits.length() >= 3 ? digits : "000".substring(digits.length()) + digits;
   }

   // ---------------------------------------------------------------- broker side (queue executor)

   @Override
   public boolean hasCredits(ServerConsumer consumer) {
      // max-submit-rate is applied per submit_sm in flush(); the window bounds what waits for it.
      // A bound transmitter is enough to send: the receiver's state shows on the link's state, not in its MT flow.
      return !stopping && transmitter != null && reserved.get() < config.window() && broker.takesFrom(consumer);
   }

   @Override
   protected LinkFeed linkFeed() {
      return broker;
   }

   @Override
   protected int take(MessageReference ref, LinkFeed.Feed feed, ICoreMessage message, int deliveryCount) {
      SmsMessageReader reader = new SmsMessageReader(message);
      Template template = null;
      List<SubmitSmFactory.Part> parts;
      RuntimeException unsendable = null;
      // Nothing may be thrown to the broker from here: it would close the link's consumer and put back the messages
      // in flight, which would go to the SMSC again once a new consumer takes them (decision 66).
      try {
         template = template(reader, false);
         parts = submits.create(reader, smsc34);
         if (template.tooLong() != null) {
            // Its correlation record could not be stored once the SMSC took it: refused before it goes (a REJECTD report).
            throw new SubmitSmFactory.Unsendable(SmppStatus.ESME_RSUBMITFAIL, template.tooLong() + " is longer than the "
               + CorrelationRecord.MAX_FIELD_LENGTH + " characters a correlation record holds");
         }
      } catch (RuntimeException e) {
         if (template == null) {
            template = template(reader, true); // a property that should be a number is not: report with what is readable
         }
         logger.warn("SMSC link {}: cannot send message {}: {}", config.id(), template.smsId(), e.getMessage());
         parts = List.of(new SubmitSmFactory.Part(null, segmentField(reader, SmsProperties.SEGMENT_REF, 0xFFFF),
            segmentField(reader, SmsProperties.SEGMENT_TOTAL, 0xFF), segmentField(reader, SmsProperties.SEGMENT_NUMBER, 0xFF)));
         unsendable = e;
      }
      Outgoing outgoing = new Outgoing(ref.getMessageID(), feed, template);
      List<SubmitSmFactory.Part> ready = parts;
      RuntimeException failure = unsendable;
      // Only an MT that may have reached the SMSC before (rare) costs a lookup; the others go out at once.
      boolean mayBeAccepted = (deliveryCount > 1 || ref.getMessageID() < deliveredBefore) && !template.smsId().isEmpty();
      eventLoop.execute(() -> {
         if (stopping || !feed.take()) {
            // Its consumer was let go meanwhile, or the link is stopping: the message is (or goes) back on the queue.
            reserved.decrementAndGet();
            return;
         }
         if (failure != null) {
            // Ends like a part the codec refuses: the REJECTD report an SMSC refusal would give, then acknowledged.
            outgoing.unresolved = 1;
            refused.incrementAndGet();
            int status = failure instanceof SubmitSmFactory.Unsendable u ? u.status : SmppStatus.ESME_RSUBMITFAIL;
            report(new Part(outgoing, ready.get(0)), DeliveryState.REJECTD, errorCode(status));
            return;
         }
         outgoing.unresolved = ready.size();
         for (SubmitSmFactory.Part pdu : ready) {
            Part part = new Part(outgoing, pdu);
            outgoing.parts.add(part);
            if (!mayBeAccepted) {
               toSend.add(part);
            }
         }
         if (mayBeAccepted) {
            store.findAccepted(outgoing.template.smsId(), outgoing.template.destination())
               .whenCompleteAsync((accepted, lookupFailure) -> sendUnaccepted(outgoing, accepted, lookupFailure), eventLoop);
         } else {
            flush();
         }
      });
      return 1;
   }

   /**
    * An MT that may have been handed to a link before: the parts whose correlation record exists were accepted by the
    * SMSC then (a crash, a stop that ran out of time or a failed acknowledgement came between their record and the MT's
    * acknowledgement). They are not sent again, so the handset
    * does not get them twice and the SMSC sends one receipt for them, which that record matches; the rest go out. A
    * record counts for a part only if it is of the same split (see {@link #acceptedBefore}); records that hold a whole
    * message (every part of one split, or the single part) resolve every part, however it is split now. A
    * failed lookup sends every part (at least once, as before). Event loop.
    */
   private void sendUnaccepted(Outgoing outgoing, List<CorrelationRecord> accepted, Throwable lookupFailure) {
      if (outgoing.feed.abandoned()) {
         return; // back on the queue meanwhile: the consumer that takes it now looks again
      }
      if (lookupFailure != null) {
         logger.warn("SMSC link {}: could not look up whether the SMSC already accepted {} ({}); sending it again",
                     config.id(), outgoing.template.smsId(), lookupFailure.toString());
      }
      boolean queued = false;
      boolean whole = lookupFailure == null && !accepted.isEmpty() && AcceptedSegments.whole(segments(accepted));
      for (Part part : outgoing.parts) {
         if (lookupFailure == null && (whole || acceptedBefore(accepted, part))) {
            alreadyAccepted.incrementAndGet();
            logger.debug("SMSC link {}: part {}/{} of {} was accepted by the SMSC before{}; not sent again", config.id(),
                         part.pdu.segmentNumber(), part.pdu.segmentTotal(), outgoing.template.smsId(),
                         whole ? " (the whole message)" : "");
            resolved(outgoing);
         } else if (stopping) {
            withdraw(outgoing); // not sent during the stop: its message goes back to the queue
         } else {
            toSend.add(part);
            queued = true;
         }
      }
      if (queued) {
         flush();
      }
   }

   /**
    * Whether this very part was accepted before: a record of this link for the same segment number of the same split
    * (reference and total). A record of another split says nothing about this part's text: the link's alphabet, data
    * coding or long-message setting changed across the restart and cut the text elsewhere (3 GSM parts become 4 Latin-1
    * parts; skipping new parts 1 and 2 would leave the handset a message it never completes). Nor does a record of
    * another link (routing moved the MT): that link's split, alphabet and source address may differ.
    */
   private boolean acceptedBefore(List<CorrelationRecord> accepted, Part part) {
      for (CorrelationRecord record : accepted) {
         if (record.segmentNumber() == part.pdu.segmentNumber() && record.segmentTotal() == part.pdu.segmentTotal()
             && record.segmentRef() == part.pdu.segmentRef() && record.linkId().equals(config.id())) {
            return true;
         }
      }
      return false;
   }

   private static List<AcceptedSegments.Segment> segments(List<CorrelationRecord> records) {
      List<AcceptedSegments.Segment> segments = new ArrayList<>(records.size());
      for (CorrelationRecord r : records) {
         segments.add(new AcceptedSegments.Segment(r.segmentRef(), r.segmentTotal(), r.segmentNumber()));
      }
      return segments;
   }

   /** A segment property for the report on an unsendable MT: 0 when absent, no number or out of the record's range. */
   private static int segmentField(SmsMessageReader m, SimpleString property, int max) {
      int value = m.integerOrElse(property, 0);
      return value >= 0 && value <= max ? value : 0;
   }

   /**
    * What the correlation record of each part needs. Strict: a numeric property that is no number throws. Lenient
    * (for the report on such a message): that property counts as absent.
    */
   private static Template template(SmsMessageReader m, boolean lenient) {
      long now = System.currentTimeMillis();
      long submitTime = lenient ? m.longOrElse(SmsProperties.SUBMIT_TIME, now) : m.longValue(SmsProperties.SUBMIT_TIME, now);
      long validity = lenient ? m.longOrElse(SmsProperties.VALIDITY_TIME, 0) : m.longValue(SmsProperties.VALIDITY_TIME, 0);
      long schedule = lenient ? m.longOrElse(SmsProperties.SCHEDULE_TIME, 0) : m.longValue(SmsProperties.SCHEDULE_TIME, 0);
      int feeUserType = lenient ? m.integerOrElse(SmsProperties.FEE_USER_TYPE, 0) : m.integer(SmsProperties.FEE_USER_TYPE, 0);
      // Kept for the report: an MT without it (an application's) wants its reports, as 1 says (decisions.md, "Reports
      // only for submitters that asked for them"). The SMSC is asked for a receipt whatever it says (SubmitSmFactory).
      int registeredDelivery = lenient ? m.integerOrElse(SmsProperties.REGISTERED_DELIVERY, REPORT_WANTED)
         : m.integer(SmsProperties.REGISTERED_DELIVERY, REPORT_WANTED);
      String protocol = m.string(SmsProperties.PROTOCOL, "APP");
      SmsProtocol p = switch (protocol) {
         case "SMPP" -> SmsProtocol.SMPP;
         case "CMPP" -> SmsProtocol.CMPP;
         default -> SmsProtocol.APP;
      };
      SimpleString serviceProperty = SmsProperties.SERVICE_ID;
      String serviceId = m.string(serviceProperty);
      if (serviceId == null) {
         serviceProperty = SmsProperties.SERVICE_TYPE;
         serviceId = m.string(serviceProperty);
      }
      String smsId = m.string(SmsProperties.ID, "");
      String account = m.string(SmsProperties.ACCOUNT, "");
      String originGateway = m.string(SmsProperties.ORIGIN_GATEWAY);
      String source = m.string(SmsProperties.SOURCE, "");
      String destination = m.string(SmsProperties.DESTINATION, "");
      String feeType = m.string(SmsProperties.FEE_TYPE);
      String feeCode = m.string(SmsProperties.FEE_CODE);
      String feeTerminal = m.string(SmsProperties.FEE_TERMINAL);
      String version = m.string(SmsProperties.PROTOCOL_VERSION, "");
      // An application's JMS correlation id (a binary one, JMSCorrelationIDAsBytes, is not kept): its reports carry it.
      Object correlation = m.message().getCorrelationID();
      String correlationId = correlation instanceof SimpleString || correlation instanceof String ? correlation.toString() : null;
      // Nothing upstream bounds an application's properties; a record refuses what is longer (CorrelationRecord).
      String tooLong = tooLong(smsId, SmsProperties.ID, null);
      tooLong = tooLong(account, SmsProperties.ACCOUNT, tooLong);
      tooLong = tooLong(originGateway, SmsProperties.ORIGIN_GATEWAY, tooLong);
      tooLong = tooLong(source, SmsProperties.SOURCE, tooLong);
      tooLong = tooLong(destination, SmsProperties.DESTINATION, tooLong);
      tooLong = tooLong(serviceId, serviceProperty, tooLong);
      tooLong = tooLong(feeType, SmsProperties.FEE_TYPE, tooLong);
      tooLong = tooLong(feeCode, SmsProperties.FEE_CODE, tooLong);
      tooLong = tooLong(feeTerminal, SmsProperties.FEE_TERMINAL, tooLong);
      tooLong = tooLong(version, SmsProperties.PROTOCOL_VERSION, tooLong);
      tooLong = tooLong(correlationId, CORRELATION_ID, tooLong);
      return new Template(fit(smsId), fit(account), fit(originGateway), fit(source), fit(destination), fit(serviceId),
         feeUserType & 0xFF, fit(feeType), fit(feeCode), fit(feeTerminal), submitTime,
         validity > 0 ? validity : defaultExpiry(submitTime, schedule), registeredDelivery & 0xFF, p, fit(version),
         schedule, validity <= 0, tooLong, fit(correlationId), serviceProperty == SmsProperties.SERVICE_TYPE,
         tonOrNpi(m, SmsProperties.SOURCE_TON), tonOrNpi(m, SmsProperties.SOURCE_NPI),
         tonOrNpi(m, SmsProperties.DESTINATION_TON), tonOrNpi(m, SmsProperties.DESTINATION_NPI));
   }

   /** The JMS correlation id's property on a core message (Artemis' JMSCorrelationID). */
   private static final SimpleString CORRELATION_ID = MessageUtil.CORRELATIONID_HEADER_NAME;

   /**
    * A TON or NPI of the MT as its reports give it back: the byte the submit_sm carries, or {@link CorrelationRecord#ABSENT}
    * when the MT has none (or one that is no number).
    */
   private static int tonOrNpi(SmsMessageReader m, SimpleString property) {
      int value = m.integerOrElse(property, Integer.MIN_VALUE);
      return value == Integer.MIN_VALUE ? CorrelationRecord.ABSENT : value & 0xFF;
   }

   /** {@code found} if set, else the property's name when {@code value} is longer than a correlation record holds. */
   private static String tooLong(String value, SimpleString property, String found) {
      return found == null && value != null && value.length() > CorrelationRecord.MAX_FIELD_LENGTH ? property.toString() : found;
   }

   /** {@code value} cut to what a correlation record holds (the same string when it fits). */
   private static String fit(String value) {
      return value == null || value.length() <= CorrelationRecord.MAX_FIELD_LENGTH ? value
         : value.substring(0, CorrelationRecord.MAX_FIELD_LENGTH);
   }

   /**
    * How long a record without a validity waits for its receipt: the default validity from when the SMSC may first
    * deliver, i.e. from a schedule_delivery_time (SMPP) or At_Time (CMPP) that lies later than the submission. From
    * the submission alone, an MT scheduled more than 48 h ahead got an EXPIRED report before the SMSC even tried it, and
    * its real receipt was parked as unmatched (decision 109).
    */
   static long defaultExpiry(long submitTime, long scheduleTime) {
      return Math.max(submitTime, scheduleTime) + DEFAULT_VALIDITY_MILLIS;
   }

   /**
    * The broker closed the consumer {@code feed} took messages from, and they are back on the queue (event loop): their
    * parts waiting to go out are dropped, those sent wait for their answer only for the correlation record
    * ({@link #abandonedResponse}), and their window slots are free for the new consumer, which delivers them again.
    */
   private void abandoned(LinkFeed.Feed feed, int unsettled) {
      reserved.addAndGet(-unsettled);
      toSend.removeIf(part -> part.outgoing.feed == feed);
      if (unsettled > 0) {
         logger.warn("SMSC link {}: {} message(s) in progress went back to {} with the closed consumer; they are sent "
                     + "again, so one the SMSC had already accepted may reach the handset twice", config.id(), unsettled, queueName);
      }
   }
}
