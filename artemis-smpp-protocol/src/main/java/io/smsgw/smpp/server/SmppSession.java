package io.smsgw.smpp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.AccountDeliveryWriter;
import io.smsgw.broker.AccountQueues;
import io.smsgw.broker.AccountSessions;
import io.smsgw.broker.ClientSessionEnd;
import io.smsgw.broker.ClientSessionsStop;
import io.smsgw.broker.DeliveryChannel;
import io.smsgw.broker.DeliveryCounts;
import io.smsgw.broker.LastAnswer;
import io.smsgw.broker.LogText;
import io.smsgw.broker.LoginPenalties;
import io.smsgw.broker.MalformedPduLog;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.broker.PduHandler;
import io.smsgw.broker.PendingRequests;
import io.smsgw.broker.PreLoginSlot;
import io.smsgw.broker.SessionEndDeadline;
import io.smsgw.broker.SessionInterceptors;
import io.smsgw.broker.SmsRemotingConnection;
import io.smsgw.broker.WindowedDeliverer;
import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.DemoSecrets;
import io.smsgw.core.contract.AccountQueueFilters;
import io.smsgw.core.runtime.AccountSession;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.MalformedPdu;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppPduDecoder;
import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppResponse;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import io.smsgw.smpp.codec.DataSmResp;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.utils.actors.ArtemisExecutor;
import io.smsgw.core.runtime.GatewayRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one SMPP connection: bind state machine, dispatch of requests, liveness probes.
 * Everything here runs on the connection's event loop, except broker work that may touch the journal or wait
 * (bind, held-message operations, stopping and closing the broker session), which runs on an ordered executor and
 * hops back to the event loop.
 */
final class SmppSession implements DeliveryChannel<ByteBuf>, PduHandler<SmppPdu>, ClientSessionsStop.Ending, AccountSession {

   private static final Logger logger = LoggerFactory.getLogger(SmppSession.class);
   static final int INTERFACE_VERSION_34 = 0x34;
   /** The longest message_id a query_sm, cancel_sm or replace_sm may carry (C-Octet String of 65 with its NUL). */
   static final int MAX_MESSAGE_ID_LENGTH = 64;
   /** The longest system_id and password a bind may carry (SMPP 3.4 5.2.1, 5.2.2: C-Octet Strings of 16 and 9 octets). */
   static final int MAX_SYSTEM_ID_LENGTH = 15;
   static final int MAX_PASSWORD_LENGTH = 8;
   /**
    * SMPP sequence numbers run 1..0x7FFFFFFF: after 0x7FFFFFFF comes 1, once. A number used twice while the first is
    * unanswered would make the window take the second delivery for the first (one answer lost, the MO sent again).
    */
   private static final java.util.function.IntUnaryOperator NEXT_SEQUENCE = last -> last >= 0x7FFFFFFF || last < 1 ? 1 : last + 1;
   /** Where sequence_number sits in a PDU: after command_length, command_id and command_status. */
   private static final int SEQUENCE_OFFSET = 12;

   enum State { OPEN, BINDING, BOUND_TX, BOUND_RX, BOUND_TRX, UNBOUND, CLOSED }

   private final SmppProtocolManager manager;
   private final ActiveMQServer server;
   private final GatewayRuntime context;
   private final SmsRemotingConnection connection;
   private final Channel channel;
   private final ArtemisExecutor brokerExecutor;
   /** The last sequence_number this session used for a request of its own (0: none yet). */
   private final AtomicInteger outgoingSequence;
   private final AccountDeliveryWriter writer;
   private final PendingRequests pending;
   private final SessionInterceptors<SmppPdu> interceptors;
   private final java.util.function.Consumer<SmppPdu> answer = this::answer;

   private State state = State.OPEN;
   private Account account;
   private boolean version34;
   private ServerSession serverSession;
   private OperationContext operationContext;
   private SmppSubmitHandler submitHandler;
   private DeliverSmFactory deliverSmFactory;
   /** The parts after the first of a long MO, while {@link #encodeDelivery} encodes them (broker queue executor). */
   private final java.util.List<io.smsgw.smpp.codec.DeliverSm> furtherParts = new java.util.ArrayList<>();
   private HeldMessages heldMessages;
   private ScheduledFuture<?> bindTimer;
   private ScheduledFuture<?> livenessTimer;
   private long lastReceivedNanos = System.nanoTime();
   private int pendingProbeSequence = -1;
   /** While {@link State#UNBOUND}: the limit on answering the unbind, cancelled once it is answered (event loop). */
   private ScheduledFuture<?> unbindDeadline;
   private final ClientSessionsStop stopSessions;
   /**
    * The gateway ends the session, because the broker stops or a reload revoked the account: it unbinds and waits for
    * unbind_resp (event loop).
    */
   private boolean endingByGateway;
   /** Whether that end is for a revoked account: no broker stop bounds the wait for unbind_resp then (event loop). */
   private boolean endingForRevokedAccount;
   /** While the gateway ends it: the ESME's own unbind, read before the gateway's went out, answered in its place; else -1. */
   private int peerUnbindSequence = -1;
   /** While the gateway ends it: the sequence_number of the gateway's unbind once written; else -1. */
   private int ownUnbindSequence = -1;
   /**
    * While {@link #refuseForStorage} hands a storing request over: the store's refusal it is answered for, instead of
    * being submitted (event loop); else null.
    */
   private io.smsgw.broker.DurableSender.StorageFull refusingForStorage;
   /** This connection's place among the acceptor's connections not bound yet (PreLoginConnections). */
   private final PreLoginSlot preLogin;

   SmppSession(SmppProtocolManager manager, ActiveMQServer server, GatewayRuntime context,
               SmsRemotingConnection connection, Channel channel, PendingRequests pending) {
      this.manager = manager;
      this.server = server;
      this.context = context;
      this.connection = connection;
      this.channel = channel;
      this.brokerExecutor = connection.executor(); // where the connection fails too
      this.writer = new AccountDeliveryWriter(channel, SEQUENCE_OFFSET);
      this.pending = pending;
      this.interceptors = new SessionInterceptors<>(manager, connection, SmppPdu::commandName, logger);
      this.outgoingSequence = new AtomicInteger(manager.lastSequenceBeforeFirst());
      this.stopSessions = ClientSessionsStop.of(server);
      this.preLogin = manager.takePreLogin(remoteAddress(), "smppMaxUnboundPerAddress");
      if (!preLogin.admitted()) {
         // Over the address's connections not bound yet: closed before it takes anything (PreLoginConnections).
         state = State.CLOSED;
         channel.close();
         return;
      }
      if (manager.getSmppBindTimeout() > 0) {
         bindTimer = channel.eventLoop().schedule(this::onBindTimeout, manager.getSmppBindTimeout(), TimeUnit.MILLISECONDS);
      }
      // Runs even when the gateway never probes (interval 0): unanswered deliver_sm must still time out, and
      // silent connections still reach their TTL.
      long period = Math.max(100, Math.min(Math.min(positiveOrMax(manager.getSmppEnquireLinkInterval()), positiveOrMax(manager.getSmppConnectionTtl())),
                                           manager.getSmppResponseTimeout()) / 2);
      livenessTimer = channel.eventLoop().scheduleAtFixedRate(this::checkLiveness, period, period, TimeUnit.MILLISECONDS);
   }

   // ---------------------------------------------------------------- accessors used by collaborators

   SmppProtocolManager manager() {
      return manager;
   }

   @Override
   public Account account() {
      return account;
   }

   @Override
   public AccessProtocol protocol() {
      return AccessProtocol.SMPP;
   }

   @Override
   public InetAddress remoteAddress() {
      return channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
   }

   /** What data_coding 0 means on this session: the account's {@code smpp-default-alphabet}, else the acceptor's. */
   SmsEncoding defaultAlphabet() {
      return account.smppDefaultAlphabet(manager.defaultAlphabet());
   }

   boolean isVersion34() {
      return version34;
   }

   SmsRemotingConnection connection() {
      return connection;
   }

   ClientSessionsStop stopSessions() {
      return stopSessions;
   }

   @Override
   public Channel channel() {
      return channel;
   }

   @Override
   public long brokerStopTimeout() {
      return manager.getSmppStopTimeout();
   }

   public int nextSequence() {
      return outgoingSequence.updateAndGet(NEXT_SEQUENCE);
   }

   // ---------------------------------------------------------------- DeliveryChannel (account queue → deliver_sm)

   @Override
   public String accountId() {
      return account.id();
   }

   @Override
   public ByteBuf encodeDelivery(org.apache.activemq.artemis.api.core.ICoreMessage message, int sequence,
                                 DeliveryChannel.Parts<ByteBuf> parts) {
      furtherParts.clear();
      SmppPdu deliver = deliverSmFactory.create(message, sequence, version34, furtherParts);
      if (!furtherParts.isEmpty()) {
         return encodeParts(deliver, parts);
      }
      if (interceptors.vetoesOutgoing(deliver)) {
         return null;
      }
      // Encoded here, not by the pipeline: a field the codec refuses dead-letters the message instead of failing
      // the write, which would close the connection.
      return DeliveryChannel.encode(deliver, SmppCodec::encode);
   }

   /** The parts of a long MO: all encoded before any is handed over, so a refused one dead-letters the whole MO. */
   private ByteBuf encodeParts(SmppPdu first, DeliveryChannel.Parts<ByteBuf> parts) {
      ByteBuf[] encoded;
      try {
         encoded = DeliveryChannel.encodeAll(first, furtherParts,
                                             part -> interceptors.vetoesOutgoing(part) ? null : DeliveryChannel.encode(part, SmppCodec::encode));
      } catch (RuntimeException e) {
         furtherParts.clear();
         throw e;
      }
      for (int i = 1; i < encoded.length; i++) {
         parts.add(furtherParts.get(i - 1).sequenceNumber(), encoded[i]);
      }
      furtherParts.clear();
      return encoded[0];
   }

   @Override
   public void write(ByteBuf delivery) {
      writer.writeDelivery(delivery);
   }

   @Override
   public boolean isWritable(org.apache.activemq.artemis.spi.core.remoting.ReadyListener listener) {
      return connection.isWritable(listener);
   }

   @Override
   public void resumeDeliveries() {
      writer.resumeDeliveries();
   }

   @Override
   public void execute(Runnable task) {
      channel.eventLoop().execute(task);
   }

   @Override
   public void schedule(Runnable task, long delayMillis) {
      channel.eventLoop().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
   }

   @Override
   public void close(String reason) {
      logger.info("Closing SMPP connection of '{}' from {}: {}", account == null ? "?" : account.id(), channel.remoteAddress(), reason);
      channel.close();
   }

   /** Writes a PDU from any thread; writes from other threads are batched onto the event loop. */
   void send(SmppPdu pdu) {
      if (!interceptors.vetoesOutgoing(pdu)) {
         writer.write(pdu);
      }
   }

   /**
    * Holds back the connection's storing requests until the store that refused {@code full} frees space (responses and
    * keep-alives are still read, decision 140): one callback registered
    * per connection, however often it is refused meanwhile, and none left on the store once it closes. Event loop.
    */
   void waitForStorage(io.smsgw.broker.DurableSender sender, io.smsgw.broker.DurableSender.StorageFull full) {
      pending.stopReadingForStorage(sender, full);
   }

   /**
    * Writes the answer to a request that was counted as pending when it was handed on (see onBoundRequest), from
    * any thread; the count goes down even if the answer is vetoed or fails, or the connection would stop reading
    * for good.
    */
   void answer(SmppPdu pdu) {
      try {
         send(pdu);
      } finally {
         pending.answered();
      }
   }

   /** The connection's last answer (a refused bind): nothing more is taken, and the ESME closes (decision 156). */
   private void sendAndClose(SmppPdu pdu) {
      state = State.CLOSED;
      stopDeliveries();
      LastAnswer.send(channel, pdu);
   }

   // ---------------------------------------------------------------- inbound dispatch (event loop)

   @Override
   public void onPdu(SmppPdu pdu) {
      connection.markDataReceived();
      lastReceivedNanos = System.nanoTime();
      pendingProbeSequence = -1;
      if (interceptors.vetoesIncoming(pdu, channel)) {
         return;
      }
      if (state == State.CLOSED) {
         return;
      }
      if (endingByGateway && onWhileStopping(pdu)) {
         return;
      }
      if (state == State.UNBOUND && !(pdu instanceof DeliverSmResp || pdu instanceof GenericNack || pdu instanceof EnquireLink)) {
         onWhileUnbinding(pdu);
         return;
      }
      if (pdu instanceof MalformedPdu malformed) {
         onMalformed(malformed);
      } else if (pdu instanceof BindRequest bind) {
         onBind(bind);
      } else if (pdu instanceof EnquireLink) {
         send(((EnquireLink) pdu).response());
      } else if (pdu instanceof EnquireLinkResp) {
         // liveness is tracked by lastReceivedNanos
      } else if (pdu instanceof Unbind) {
         onUnbind(pdu.sequenceNumber());
      } else if (pdu instanceof UnbindResp) {
         channel.close();
      } else if (pdu instanceof DeliverSmResp resp) {
         WindowedDeliverer<ByteBuf> deliverer = writer.deliverer();
         if (deliverer != null) {
            int status = resp.commandStatus();
            deliverer.onResponse(resp.sequenceNumber(), deliveryOutcome(status), refusedForGood(status), SmppStatus.name(status));
         }
      } else if (pdu instanceof GenericNack nack) {
         WindowedDeliverer<ByteBuf> deliverer = writer.deliverer();
         if (deliverer != null) {
            deliverer.onResponse(nack.sequenceNumber(), DeliveryCounts.Outcome.INVALID, "generic_nack " + SmppStatus.name(nack.commandStatus()));
         }
      } else if (pdu instanceof SmppRequest request) {
         onBoundRequest(request);
      } else {
         logger.debug("Ignoring unexpected {} from {}", pdu.commandName(), channel.remoteAddress());
      }
   }

   /**
    * While the storage is full (decision 131) only what stores waits: submit_sm, data_sm, submit_multi, replace_sm.
    * Answers (deliver_sm_resp above all) and enquire_link go on at once, so deliveries settle and the ESME is not taken
    * for silent; an unbind ends the wait of what came before it.
    */
   @Override
   public StoragePause whileStorageFull(SmppPdu pdu) {
      if (pdu instanceof SmppResponse || pdu instanceof EnquireLink) {
         return StoragePause.PASSES;
      }
      if (pdu instanceof Unbind) {
         return StoragePause.ENDS;
      }
      if (pdu instanceof SubmitSm || pdu instanceof DataSm || pdu instanceof SubmitMulti || pdu instanceof ReplaceSm) {
         return StoragePause.STORES;
      }
      return StoragePause.IN_ORDER;
   }

   /**
    * A storing request past the ones the connection keeps while the storage is full: checked as any PDU (an interceptor,
    * the bind state, an unbind under way), then answered ESME_RMSGQFUL at once instead of being submitted.
    */
   @Override
   public void refuseForStorage(SmppPdu pdu, io.smsgw.broker.DurableSender.StorageFull full) {
      refusingForStorage = full;
      try {
         onPdu(pdu);
      } finally {
         refusingForStorage = null;
      }
   }

   /** The class of a deliver_sm_resp's command_status, for the account's delivery counts. */
   static DeliveryCounts.Outcome deliveryOutcome(int status) {
      return switch (status) {
         case SmppStatus.ESME_ROK -> DeliveryCounts.Outcome.OK;
         case SmppStatus.ESME_RTHROTTLED, SmppStatus.ESME_RMSGQFUL -> DeliveryCounts.Outcome.THROTTLED;
         case SmppStatus.ESME_RX_T_APPN, SmppStatus.ESME_RX_P_APPN, SmppStatus.ESME_RX_R_APPN -> DeliveryCounts.Outcome.REJECTED;
         default -> DeliveryCounts.Outcome.OTHER;
      };
   }

   /**
    * Whether a deliver_sm_resp status refuses the MO or report for good (SMPP 3.4 5.1.3): ESME_RX_P_APPN (permanent
    * application error) and ESME_RX_R_APPN (the ESME rejects the message) say not to try again, so the message is
    * dead-lettered at once; every other refusal (ESME_RX_T_APPN, a throttle, anything unknown) may pass, and the message
    * comes again.
    */
   static boolean refusedForGood(int status) {
      return status == SmppStatus.ESME_RX_P_APPN || status == SmppStatus.ESME_RX_R_APPN;
   }

   /**
    * Between the ESME's unbind and unbind_resp, besides the answers to deliver_sm already sent and enquire_link (answered
    * as ever, so a client probing its link while it waits does not time out): any other request is refused at once with
    * ESME_RINVBNDSTS (nothing new is taken while unbinding), and no request is left unanswered. Responses need nothing.
    */
   private void onWhileUnbinding(SmppPdu pdu) {
      if (pdu instanceof MalformedPdu malformed) {
         onMalformed(malformed);
      } else if (pdu instanceof SmppRequest request) {
         send(request.errorResponse(SmppStatus.ESME_RINVBNDSTS));
      }
   }

   /** Created at the first malformed PDU (event loop only). */
   private MalformedPduLog malformedLog;

   private void onMalformed(MalformedPdu malformed) {
      if (malformedLog == null) {
         malformedLog = new MalformedPduLog(logger, this::logName);
         if (state == State.OPEN) {
            // Garbage instead of a bind: a failed login of the address, its lines limited per address (decision 130).
            manager.loginPenalties().failed(preLogin.address(), null);
            if (!manager.loginPenalties().lines().admit("malformed PDU before bind", preLogin.address())) {
               malformedLog.quiet();
            }
         }
      }
      malformedLog.malformed(SmppCommandId.name(malformed.commandId()), malformed.reason());
      if (malformed.isResponse()) {
         return; // never answer a response
      }
      send(new GenericNack(malformed.sequenceNumber(), statusFor(malformed.errorStatus())));
   }

   /**
    * {@code status} as this session's ESME may be told it: no TLV status (0xC0-0xC4) to a session bound as 3.3, or not
    * bound yet (SmppStatus.forVersion33).
    */
   int statusFor(int status) {
      return version34 ? status : SmppStatus.forVersion33(status);
   }

   /** Who and where, for the log of malformed PDUs. */
   private String logName() {
      return "'" + (account == null ? "?" : account.id()) + "' (" + channel.remoteAddress() + ")";
   }

   private void onBoundRequest(SmppRequest request) {
      boolean canSubmit = state == State.BOUND_TX || state == State.BOUND_TRX;
      if (state == State.OPEN || state == State.BINDING) {
         send(request.errorResponse(SmppStatus.ESME_RINVBNDSTS));
         return;
      }
      if (refusingForStorage != null && canSubmit && (version34 || !(request instanceof DataSm))) {
         // Past the storing requests kept while the storage is full: the transient answer now, nothing stored.
         pending.taken();
         submitHandler.refuseForStorage(request, refusingForStorage);
         return;
      }
      if (request instanceof SubmitSm submit) {
         if (submit.replaceIfPresentFlag() == 1) {
            // Replacing searches the held messages: a permit of the rate, as query_sm takes (decisions 97, 109).
            if (requireSubmitState(request, canSubmit) && noCannedMessage(request, submit.smDefaultMsgId()) && withinRate(request)) {
               pending.taken();
               heldMessages.submitReplacing(submit, submitHandler, channel.eventLoop());
            }
         } else if (requireSubmitState(request, canSubmit)) {
            pending.taken();
            submitHandler.onSubmitSm(submit);
         }
      } else if (request instanceof DataSm dataSm) {
         if (!version34) {
            send(new GenericNack(request.sequenceNumber(), SmppStatus.ESME_RINVCMDID));
         } else if (requireSubmitState(request, canSubmit)) {
            pending.taken();
            submitHandler.onDataSm(dataSm);
         }
      } else if (request instanceof SubmitMulti multi) {
         if (requireSubmitState(request, canSubmit)) {
            pending.taken();
            submitHandler.onSubmitMulti(multi);
         }
      } else if (request instanceof QuerySm query) {
         if (requireSubmitState(request, canSubmit) && validMessageId(request, query.messageId()) && withinRate(request)) {
            pending.taken();
            heldMessages.query(query);
         }
      } else if (request instanceof CancelSm cancel) {
         if (requireSubmitState(request, canSubmit) && validMessageId(request, cancel.messageId()) && withinRate(request)) {
            pending.taken();
            heldMessages.cancel(cancel);
         }
      } else if (request instanceof ReplaceSm replace) {
         if (requireSubmitState(request, canSubmit) && validMessageId(request, replace.messageId())
             && noCannedMessage(request, replace.smDefaultMsgId()) && withinRate(request)) {
            pending.taken();
            heldMessages.replace(replace);
         }
      } else {
         // deliver_sm, outbind, alert_notification and the 3.3 query extensions are not requests an
         // ESME may send to this SMSC.
         send(new GenericNack(request.sequenceNumber(), SmppStatus.ESME_RINVCMDID));
      }
   }

   /**
    * A held-message operation takes one permit of the account's max-submit-rate, as a one-part submit does (decision
    * 97): each scans the held-message queues, so an ESME must not be able to send them faster than it may submit.
    * Not given back: the scan was made whatever it found.
    */
   private boolean withinRate(SmppRequest request) {
      if (context.submitLimiter(account).tryAcquire(1)) {
         return true;
      }
      send(request.errorResponse(SmppStatus.ESME_RTHROTTLED));
      return false;
   }

   /**
    * A message_id longer than the field holds (64 characters and the NUL, SMPP 3.4 5.2.23) names no message of this
    * gateway: ESME_RINVMSGID before any lookup, and no rate permit taken. query_sm_resp would echo it, and the codec
    * cannot write it back: the refusal carries an empty message_id instead.
    */
   private boolean validMessageId(SmppRequest request, String messageId) {
      if (messageId.length() <= MAX_MESSAGE_ID_LENGTH) {
         return true;
      }
      send(request instanceof QuerySm query
              ? new QuerySmResp(query.sequenceNumber(), SmppStatus.ESME_RINVMSGID, "", "", 0, 0)
              : request.errorResponse(SmppStatus.ESME_RINVMSGID));
      return false;
   }

   /**
    * A replace_sm, or a submit_sm that replaces, asking for a canned message (sm_default_msg_id 1-254): refused with
    * ESME_RINVDFTMSGID before the held messages are searched, and no rate permit taken. The gateway has no canned
    * messages (SmppSubmitHandler.NO_CANNED_MESSAGE).
    */
   private boolean noCannedMessage(SmppRequest request, int smDefaultMsgId) {
      if (smDefaultMsgId == SmppSubmitHandler.NO_CANNED_MESSAGE) {
         return true;
      }
      send(request.errorResponse(SmppStatus.ESME_RINVDFTMSGID));
      return false;
   }

   private boolean requireSubmitState(SmppRequest request, boolean canSubmit) {
      if (!canSubmit) {
         send(request.errorResponse(SmppStatus.ESME_RINVBNDSTS));
      }
      return canSubmit;
   }

   // ---------------------------------------------------------------- bind

   private void onBind(BindRequest bind) {
      if (state != State.OPEN) {
         send(bind.errorResponse(SmppStatus.ESME_RALYBND));
         return;
      }
      version34 = bind.interfaceVersion() >= INTERFACE_VERSION_34;
      SmppPduDecoder.version34(channel, version34); // before the next frame is read: this runs between two decodes
      InetAddress remote = channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
      long penalty = manager.loginPenalties().penaltyBeforeCheck(remote);
      if (penalty >= 0) {
         // Not checked, so not told whether the password was right (decision 99); counted, not logged one a line.
         logger.debug("Refused {} from {} for system_id '{}' unchecked: failed-login penalty of the address, answered in {} ms",
                      bind.commandName(), channel.remoteAddress(), LogText.safe(bind.systemId()), penalty);
         refuseAfter(bind.errorResponse(SmppStatus.ESME_RBINDFAIL), penalty);
         return;
      }
      failedLogin = false;
      failedAccount = null;
      refusalLineKind = null;
      int refusal = checkBind(bind);
      if (refusal != SmppStatus.ESME_ROK) {
         long delay = failedLogin ? manager.loginPenalties().failed(remote, failedAccount) : 0;
         if (refusalLineKind == null || manager.loginPenalties().lines().admit(refusalLineKind, remote)) {
            logger.info("Refused {} from {} for system_id '{}': {} ({}{})", bind.commandName(), channel.remoteAddress(),
                        LogText.safe(bind.systemId()), refusalReason, SmppStatus.name(refusal), delay > 0 ? ", answered after a penalty of " + delay + " ms" : "");
         }
         refuseAfter(bind.errorResponse(refusal), delay);
         return;
      }
      state = State.BINDING;
      loginDecided(true);
      brokerExecutor.execute(() -> openBrokerSession(bind));
   }

   /** Why the last bind was refused, for the log only: the ESME sees just the status. */
   private String refusalReason;
   /** Whether the refused bind failed on its credentials (an unknown id, a disallowed address, a wrong password). */
   private boolean failedLogin;
   /** The system_id the failed bind named (an account's or not), else null. */
   private String failedAccount;
   /**
    * For a refusal any client can cause over and over without naming credentials: the kind its line is limited by per
    * address (PerAddressLog); null: its line is always written.
    */
   private String refusalLineKind;

   /**
    * Sends the refusal and closes, at once or after {@code delayMillis} on the event loop (never blocking it). The
    * connection reads nothing more meanwhile and its bind timer no longer runs.
    */
   private void refuseAfter(SmppPdu refusal, long delayMillis) {
      state = State.CLOSED;
      stopDeliveries();
      LoginPenalties.refuse(channel, SmppProtocolManager.FRAME_NAME, refusal, delayMillis, bindTimer);
   }

   /**
    * Tells the connection's frame decoder the login was accepted (full-size PDUs from now on) or refused (nothing more
    * buffered); on the event loop, before the next frame is cut.
    */
   private void loginDecided(boolean accepted) {
      PduFrameDecoder.loginDecided(channel, SmppProtocolManager.FRAME_NAME, accepted);
      if (accepted) {
         preLogin.release();
      }
   }

   /**
    * An unknown system_id, an address outside the account's allowlist and a wrong password all get ESME_RBINDFAIL
    * (decision 96): a distinct answer would tell a prober which system_ids exist. The log keeps the real reason. Each
    * counts against the system_id named, whether an account has it or not, so an unknown id is slowed down like a
    * known one (decision 130).
    */
   private int checkBind(BindRequest bind) {
      // The codec takes C-Octet Strings of any length; the spec's are at most 15 and 8 characters (SMPP 3.4 5.2.1, 5.2.2).
      if (bind.systemId().length() > MAX_SYSTEM_ID_LENGTH || bind.password().length() > MAX_PASSWORD_LENGTH) {
         refusalReason = bind.systemId().length() > MAX_SYSTEM_ID_LENGTH
            ? "system_id of " + bind.systemId().length() + " characters, over " + MAX_SYSTEM_ID_LENGTH
            : "password of " + bind.password().length() + " characters, over " + MAX_PASSWORD_LENGTH;
         failedLogin = true; // the address's count: an id that long names no account
         return SmppStatus.ESME_RBINDFAIL;
      }
      if (bind.bindType() == BindType.TRANSCEIVER && !version34) {
         refusalReason = "transceiver bind in SMPP 3.3";
         refusalLineKind = "transceiver bind in SMPP 3.3";
         failedLogin = true; // the address's count: checked before any id (decision 130)
         return SmppStatus.ESME_RBINDFAIL;
      }
      if (!context.isConfigured()) {
         refusalReason = "no gateway configuration";
         return SmppStatus.ESME_RSYSERR;
      }
      Account found = context.findAccount(bind.systemId()).orElse(null);
      if (found == null || !found.allowsProtocol(AccessProtocol.SMPP)) {
         refusalReason = found == null ? "unknown system_id" : "account not enabled for SMPP";
         failedLogin = true;
         failedAccount = bind.systemId();
         return SmppStatus.ESME_RBINDFAIL;
      }
      // Before the password: a disallowed address learns nothing about it.
      if (channel.remoteAddress() instanceof InetSocketAddress remote && !found.allowsIp(remote.getAddress())) {
         refusalReason = "address not in the account's allowed-ips";
         failedLogin = true;
         failedAccount = found.id(); // counted as for a wrong password: an unknown id is, so the delay must not differ
         return SmppStatus.ESME_RBINDFAIL;
      }
      if (!found.passwordMatches(bind.password())) {
         refusalReason = "wrong password";
         failedLogin = true;
         failedAccount = found.id();
         return SmppStatus.ESME_RBINDFAIL;
      }
      // A shipped demo password is public: taken from this host only (decision 133). Answered and counted as a wrong
      // password, so a prober cannot tell which accounts still have one.
      InetAddress peer = channel.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
      if (DemoSecrets.refusedFrom(found, peer)) {
         refusalReason = "the demo password shipped with the quick start, from an address not of this host";
         failedLogin = true;
         failedAccount = found.id();
         if (manager.loginPenalties().lines().admitForAccount("bind with the shipped demo password", found.id())) {
            logger.warn("Refused a bind as '{}' from {}: the account still has the demo password shipped with the quick start "
                           + "(printed in the README), taken only from this host. Give it its own password in "
                           + "sms-gateway.conf (README, \"Security\").", LogText.safe(found.id()), channel.remoteAddress());
         }
         return SmppStatus.ESME_RBINDFAIL;
      }
      if (!context.tryOpenSession(found)) {
         refusalReason = "over the account's max-sessions";
         return SmppStatus.ESME_RBINDFAIL;
      }
      account = found;
      if (!context.loggedIn(this)) {
         // A reload between the checks above and here removed or revoked the account.
         context.closeSession(found.id());
         account = null;
         refusalReason = "account removed or revoked by a reload during the bind";
         return SmppStatus.ESME_RBINDFAIL;
      }
      return SmppStatus.ESME_ROK;
   }

   /** Runs on the broker executor: creating the session, queue and consumer may write to the journal. */
   private void openBrokerSession(BindRequest bind) {
      ServerSession session = null;
      try {
         operationContext = server.newOperationContext();
         deliverSmFactory = new DeliverSmFactory(defaultAlphabet(), this::nextSequence);
         DeliveryCounts counts = AcceptorMeters.account(server, SmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), manager.getSmppAccountQueuePrefix()).deliveries();
         WindowedDeliverer<ByteBuf> deliverer = new WindowedDeliverer<>(this, server, counts, manager.getSmppWindowSize(),
                                                                        manager.getSmppResponseTimeout(), manager.getSmppThrottlePause());
         writer.setDeliverer(deliverer);
         session = AccountSessions.open(server, UUID.randomUUID().toString(), account, connection, deliverer,
                                        operationContext, manager.getPrefixes(), manager.getSecurityDomain());
         session.addProducer(session.getName(), SmppProtocolManagerFactory.PROTOCOL_NAME, manager.getSmppSubmitAddress());
         ServerConsumer consumer = null;
         if (bind.bindType() != BindType.TRANSMITTER) {
            SimpleString queue = AccountQueues.create(server, manager.getSmppAccountQueuePrefix(), account.id());
            // the account's MO, and the reports of the MT submitted over SMPP with this session's version (its id format)
            consumer = AccountSessions.consume(server, session, queue, AccountQueueFilters.smpp(version34));
         }
         serverSession = session;
         ServerConsumer boundConsumer = consumer;
         channel.eventLoop().execute(() -> completeBind(bind, boundConsumer));
      } catch (Throwable e) {
         if (session != null) {
            // Its failure listener may have been added to a connection that had already failed: close it here.
            SmsRemotingConnection.closeOrphaned(session, brokerExecutor);
         }
         logger.warn("Bind of system_id '{}' failed inside the broker", account.id(), e);
         channel.eventLoop().execute(() -> {
            if (state != State.BINDING) {
               return; // the connection went away meanwhile; onChannelClosed gave the session back
            }
            context.closeSession(account.id());
            context.loggedOut(this);
            account = null;
            sendAndClose(bind.errorResponse(SmppStatus.ESME_RBINDFAIL));
         });
      }
   }

   private void completeBind(BindRequest bind, ServerConsumer consumer) {
      if (state != State.BINDING) {
         // The connection went away meanwhile, before this session could hear of it: close it, or its consumer stays.
         SmsRemotingConnection.closeOrphaned(serverSession, brokerExecutor);
         return;
      }
      if (bindTimer != null) {
         bindTimer.cancel(false);
      }
      state = switch (bind.bindType()) {
         case TRANSMITTER -> State.BOUND_TX;
         case RECEIVER -> State.BOUND_RX;
         case TRANSCEIVER -> State.BOUND_TRX;
      };
      writer.deliverer().joinAccount(); // here, where a close after it is sure to leave again
      connection.setClientID(account.id());
      submitHandler = new SmppSubmitHandler(this, server, serverSession, operationContext, context);
      heldMessages = new HeldMessages(this, server, operationContext, brokerExecutor, answer, submitHandler::afterPendingWrites);
      send(version34
              ? bind.response(SmppStatus.ESME_ROK, manager.getSmppSystemId(), Tlvs.builder().addU8(TlvTag.SC_INTERFACE_VERSION, INTERFACE_VERSION_34).build())
              : bind.response(SmppStatus.ESME_ROK, manager.getSmppSystemId()));
      logger.info("Bound {} system_id '{}' from {} (interface version 0x{})", bind.bindType(), account.id(),
                  channel.remoteAddress(), Integer.toHexString(bind.interfaceVersion()));
      serverSession.start();
   }

   private void onBindTimeout() {
      if (state == State.OPEN) {
         // A connection that never binds held a socket for the whole timeout: a failed login of its address (no account).
         manager.loginPenalties().failed(preLogin.address(), null);
         if (manager.loginPenalties().lines().admit("no bind within smppBindTimeout", preLogin.address())) {
            logger.info("Closing SMPP connection from {}: no bind within {} ms", channel.remoteAddress(), manager.getSmppBindTimeout());
         }
         channel.close();
      }
   }

   // ---------------------------------------------------------------- unbind, liveness, close

   private void onUnbind(int sequence) {
      if (state != State.BOUND_TX && state != State.BOUND_RX && state != State.BOUND_TRX) {
         send(new UnbindResp(sequence, SmppStatus.ESME_RINVBNDSTS));
         return;
      }
      endSession(() -> new UnbindResp(sequence, SmppStatus.ESME_ROK), "unbind");
   }

   /**
    * The broker stops (decision 141): the session ends as at the ESME's unbind, but the gateway sends the unbind, once
    * the deliveries written are answered (bounded) and the answers owed are out, and closes at unbind_resp. Requests
    * meanwhile are refused with ESME_RINVBNDSTS, as while an ESME unbinds. A connection not bound yet is closed; one
    * unbinding already at the ESME's request goes on. The broker's stop timeout closes what is left.
    */
   @Override
   public void endForBrokerStop() {
      if (state == State.OPEN || state == State.BINDING) {
         // A bind in progress finds the connection closed and gives its broker session back (completeBind).
         channel.close();
         return;
      }
      endByGateway("broker stop");
   }

   /**
    * A reload removed the account or revoked this login (decisions.md: revoked accounts): the session ends as for a
    * broker stop (the submits received before are answered, then the gateway's unbind), and closes at unbind_resp or,
    * at the latest, {@code smppResponseTimeout} after the unbind went out. From any thread.
    */
   @Override
   public void endForRevokedAccount() {
      ClientSessionEnd.onEventLoopOrClose(channel, () -> {
         if (state == State.OPEN || state == State.BINDING) {
            channel.close(); // as for a broker stop: the bind in progress finds the connection closed
            return;
         }
         if (isBound() && !endingByGateway) {
            endingForRevokedAccount = true;
            endByGateway("account revoked");
         }
      });
   }

   /** The gateway's unbind after the answers owed; nothing when the session is not bound or ends already. Event loop. */
   private void endByGateway(String why) {
      if (!isBound() || endingByGateway) {
         return;
      }
      endingByGateway = true;
      endSession(() -> {
         if (peerUnbindSequence >= 0) {
            return new UnbindResp(peerUnbindSequence, SmppStatus.ESME_ROK);
         }
         ownUnbindSequence = nextSequence();
         return new Unbind(ownUnbindSequence);
      }, why);
   }

   /**
    * While the gateway ends the session (broker stop, revoked account): the ESME's unbind (answered in place of the
    * gateway's unbind when that has not gone out, at once otherwise) and the answer to the gateway's unbind (unbind_resp,
    * or a generic_nack to it), which end the session. Whether the PDU was handled here.
    */
   private boolean onWhileStopping(SmppPdu pdu) {
      if (pdu instanceof Unbind unbind) {
         if (ownUnbindSequence < 0) {
            peerUnbindSequence = unbind.sequenceNumber();
         } else {
            channel.writeAndFlush(new UnbindResp(unbind.sequenceNumber(), SmppStatus.ESME_ROK));
            ClientSessionEnd.closeAfterLastAnswer(channel, writer.deliverer(), drainMillis());
         }
         return true;
      }
      if (ownUnbindSequence >= 0 && (pdu instanceof UnbindResp
                                     || pdu instanceof GenericNack && pdu.sequenceNumber() == ownUnbindSequence)) {
         channel.close();
         return true;
      }
      return false;
   }

   /**
    * No new deliver_sm from here; {@code last} (unbind_resp to the ESME's unbind, or the gateway's own unbind) goes out
    * after the answers owed.
    */
   private void endSession(java.util.function.Supplier<SmppPdu> last, String request) {
      state = State.UNBOUND;
      stopDeliveries();
      // A clean end. No new deliver_sm from here. The stop runs on the session's ordered broker executor: it waits
      // for a hand-over in progress (up to 30 s), and this event loop reads other connections too.
      SmsRemotingConnection.stopOn(serverSession, brokerExecutor);
      // The deliver_sm_resp of deliver_sm already sent may follow the unbind (jSMPP and cloudhopper answer on threads
      // of their own): wait for them, bounded, so they acknowledge their MO instead of bringing it again on the next
      // bind (decision 94).
      SessionEndDeadline.afterDeliveriesAnswered(channel, writer.deliverer(), drainMillis(), () -> answerUnbindAfterOwedAnswers(last, request));
   }

   private long drainMillis() {
      return Math.min(manager.getSmppUnbindDrainTimeout(), manager.getSmppResponseTimeout());
   }

   /**
    * The submit_sm_resp of every submit already received goes out first (unbind_resp must not overtake them, or the
    * ESME never learns their ids and resubmits), and so do the answers to query_sm / cancel_sm / replace_sm received
    * before: they wait for the held queues' intake, on the broker executor after the stop. Then unbind_resp.
    *
    * <p>When every deliver_sm is answered, the broker session closes before those answers are waited for, as it always
    * did: the close does not wait on them, nor they on it. When some are not (the wait for them ran out), it stays open
    * until the socket closes, so an answer the ESME sends after unbind_resp still acknowledges its MO.
    */
   private void answerUnbindAfterOwedAnswers(java.util.function.Supplier<SmppPdu> last, String request) {
      if (state != State.UNBOUND) {
         return; // closed meanwhile
      }
      // One of those answers can be held up for good (a stuck held queue) while the ESME keeps the link alive.
      unbindDeadline = SessionEndDeadline.closeIfNotEndedWithin(channel, manager.getSmppResponseTimeout(), request, account.id(), logger);
      boolean allAnswered = !writer.hasUnanswered();
      submitHandler.afterPendingWrites(() -> brokerExecutor.execute(() -> {
         if (allAnswered) {
            ClientSessionEnd.closeBrokerSession(serverSession, logger, "unbind"); // unacknowledged deliver_sm go back
         }
         heldMessages.afterAnswers(() -> channel.eventLoop().execute(() -> answerUnbind(last)));
      }));
   }

   /**
    * unbind_resp; once every deliver_sm written is answered (at once when they all are) nothing more is taken, and the
    * ESME closes its socket when it reads unbind_resp (the gateway closes {@link LastAnswer#DRAIN_MILLIS} later at the
    * latest). An answer it sends before that still counts. A broker session still open
    * closes after the socket ({@link #onChannelClosed}); unanswered deliver_sm go back to the queue then.
    */
   private void answerUnbind(java.util.function.Supplier<SmppPdu> last) {
      if (state != State.UNBOUND) {
         return;
      }
      unbindDeadline.cancel(false);
      SmppPdu pdu = last.get();
      channel.writeAndFlush(pdu);
      if (pdu instanceof Unbind) {
         // The gateway's own unbind (broker stop, revoked account): the ESME's unbind_resp closes (onWhileStopping), and
         // deliver_sm_resp until then still acknowledge; the broker's stop timeout bounds the wait, or for a revoked
         // account the response timeout.
         if (endingForRevokedAccount) {
            ClientSessionEnd.closeIfUnansweredForRevokedAccount(channel, manager.getSmppResponseTimeout(), "unbind_resp", "unbind",
                                                                account.id(), logger);
         }
         return;
      }
      ClientSessionEnd.closeAfterLastAnswer(channel, writer.deliverer(), drainMillis());
   }

   /** Probes an idle peer with enquire_link; the broker's connection TTL closes a peer that stays silent. */
   private void checkLiveness() {
      long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos);
      writer.expireOverdue();
      if (state == State.CLOSED) {
         return;
      }
      if (manager.getSmppConnectionTtl() > 0 && idleMillis >= manager.getSmppConnectionTtl()) {
         logger.info("Closing SMPP connection from {}: silent for {} ms", channel.remoteAddress(), idleMillis);
         channel.close();
         return;
      }
      long interval = manager.getSmppEnquireLinkInterval();
      if (interval > 0 && idleMillis >= interval && pendingProbeSequence < 0 && isBound()) {
         pendingProbeSequence = nextSequence();
         send(new EnquireLink(pendingProbeSequence));
      }
   }

   private static long positiveOrMax(long millis) {
      return millis > 0 ? millis : Long.MAX_VALUE;
   }

   boolean isBound() {
      return state == State.BOUND_TX || state == State.BOUND_RX || state == State.BOUND_TRX;
   }

   /**
    * No deliver_sm from here, not even a waiting part of a long MO whose earlier parts the ESME answers while
    * unbinding: the broker session's close puts that MO back whole, and the ESME gets it complete on its next bind.
    * Nor a single deliver_sm the broker handed over while the unbind was being read (its consumer stops only after
    * this): the writer drops it on the event loop, and the close puts its message back the same way.
    */
   private void stopDeliveries() {
      writer.stopDeliveries();
   }

   @Override
   public void onChannelClosed() {
      if (malformedLog != null) {
         malformedLog.closed();
      }
      preLogin.release();
      State previous = state;
      state = State.CLOSED;
      stopDeliveries();
      if (bindTimer != null) {
         bindTimer.cancel(false);
      }
      if (livenessTimer != null) {
         livenessTimer.cancel(false);
      }
      if (account != null && previous != State.OPEN) {
         context.closeSession(account.id());
         context.loggedOut(this);
      }
      if (previous == State.BOUND_TX || previous == State.BOUND_RX || previous == State.BOUND_TRX) {
         // An everyday event (a client restarting, a network drop): this line, not Artemis' session-failure WARNs.
         logger.info("SMPP session of '{}' from {} ended without unbind: the connection closed{}", account.id(),
                     channel.remoteAddress(), writer.hasUnanswered()
                        ? "; its unanswered deliver_sm go back to the queue" : "");
      }
      stopSessions.closed(this);
      if (previous == State.UNBOUND) {
         // The ESME asked for the end: the broker session closes as a clean end, not as a failed connection (no
         // warning), putting back what is still unanswered; the failure below then finds nothing to close. (Closed
         // already before unbind_resp when every deliver_sm was answered: a second close does nothing.)
         SmsRemotingConnection.closeOn(serverSession, brokerExecutor);
      }
      // The broker session is a failure listener of the connection: failing the connection closes it,
      // which puts every unacknowledged deliver_sm back on its queue. On the broker executor, after a stop or
      // close queued there: the close waits for a hand-over in progress.
      connection.failOn(brokerExecutor, new ActiveMQException(ActiveMQExceptionType.REMOTE_DISCONNECT, "SMPP connection closed"));
   }
}
