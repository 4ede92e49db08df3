package io.smsgw.cmpp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.AccountDeliveryWriter;
import io.smsgw.broker.AccountQueues;
import io.smsgw.broker.AccountSessions;
import io.smsgw.broker.ClientSessionEnd;
import io.smsgw.broker.ClientSessionsStop;
import io.smsgw.broker.DeliveryChannel;
import io.smsgw.broker.DeliveryCounts;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.HeldMessageQueues;
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
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.ActiveTestResp;
import io.smsgw.cmpp.codec.Cancel;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppRefusableRequest;
import io.smsgw.cmpp.codec.CmppResponse;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.Deliver;
import io.smsgw.cmpp.codec.DeliverResp;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.MalformedCmppPdu;
import io.smsgw.cmpp.codec.Query;
import io.smsgw.cmpp.codec.QueryResp;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.cmpp.codec.Terminate;
import io.smsgw.cmpp.codec.TerminateResp;
import io.smsgw.cmpp.fwd.FwdPeers;
import io.smsgw.cmpp.fwd.FwdSessionHandler;
import io.smsgw.cmpp.gns.GnsPeer;
import io.smsgw.cmpp.gns.GnsSessionHandler;
import io.smsgw.cmpp.gns.TandemService;
import io.smsgw.core.config.AccessProtocol;
import io.smsgw.core.config.Account;
import io.smsgw.core.config.CidrBlock;
import io.smsgw.core.config.DemoSecrets;
import io.smsgw.core.config.TlsPeerIdentity;
import io.smsgw.core.contract.AccountQueueFilters;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.rate.RateLimiter;
import io.smsgw.core.runtime.AccountSession;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.runtime.TrafficCounters;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.remoting.ReadyListener;
import org.apache.activemq.artemis.utils.actors.ArtemisExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one SP connection: CONNECT and version negotiation, dispatch, ACTIVE_TEST (C/T/N),
 * TERMINATE, QUERY and CANCEL. Runs on the connection's event loop; broker work that may touch the journal or wait
 * (connect, cancel, stopping and closing the broker session) runs on an ordered executor and hops back. On a tandem
 * gateway, a CONNECT from a gateway of the network opens a GNS session instead: no broker session, route PDUs go to
 * a {@link GnsSessionHandler}. A CONNECT from a configured peer gateway opens a FWD session: FWDs go to a
 * {@link FwdSessionHandler}.
 * Both only on an acceptor with {@code cmppAcceptPeers=true}, from the gateway's addresses, up to its max-sessions.
 */
final class CmppSession implements PduHandler<CmppPdu>, DeliveryChannel<ByteBuf>, GnsPeer, ClientSessionsStop.Ending,
                                   AccountSession {

   private static final Logger logger = LoggerFactory.getLogger(CmppSession.class);

   enum State { OPEN, CONNECTING, CONNECTED, TERMINATING, CLOSED }

   /** Where Sequence_Id sits in a PDU: after Total_Length and Command_Id. */
   private static final int SEQUENCE_OFFSET = 8;

   private final CmppProtocolManager manager;
   private final ActiveMQServer server;
   private final GatewayRuntime runtime;
   private final SmsRemotingConnection connection;
   private final Channel channel;
   private final CmppPduDecoder decoder;
   private final CmppPduEncoder encoder;
   private final ArtemisExecutor brokerExecutor;
   private final AccountDeliveryWriter writer;
   private final PendingRequests pending;
   private final SessionInterceptors<CmppPdu> interceptors;
   private final TandemService tandem;
   private final FwdPeers peers;
   private final ConnectFreshness freshness;
   private final AtomicInteger outgoingSequence = new AtomicInteger();
   /**
    * MO messages handed over and not settled yet, by the sequence of their (first) DELIVER, with their Service_Id: QUERY's
    * MO_Scs and MO_FL count each once, when it is finally delivered or dead-lettered.
    */
   private final java.util.Map<Integer, String> moInFlight = new java.util.concurrent.ConcurrentHashMap<>();
   /** DELIVERs are encoded before they are written (see {@link #encodeDelivery}), in the negotiated version. */
   private final BiConsumer<CmppPdu, ByteBuf> deliverEncoder = (pdu, out) -> CmppCodec.encode(pdu, this.version, out);
   /** The parts after the first of a long MO, while {@link #encodeDelivery} encodes them (broker queue executor). */
   private final java.util.List<Deliver> furtherParts = new java.util.ArrayList<>();

   private State state = State.OPEN;
   private Account account;
   private CmppVersion version;
   private ServerSession serverSession;
   private DurableSender sender;
   private CmppSubmitHandler submitHandler;
   /** An SP session's CANCELs; null on GNS and FWD sessions. */
   private HeldMessageQueues heldMessages;
   private CmppDeliverFactory deliverFactory;
   private ScheduledFuture<?> connectTimer;
   private ScheduledFuture<?> livenessTimer;
   private long lastReceivedNanos = System.nanoTime();
   private long lastProbeNanos;
   private int unansweredProbes;
   private GnsSessionHandler gns;
   private FwdSessionHandler fwd;
   /**
    * While {@link #refuseForStorage} hands a SUBMIT or FWD over: the store's refusal it is answered for, instead of
    * being stored (event loop); else null.
    */
   private io.smsgw.broker.DurableSender.StorageFull refusingForStorage;
   /** The other gateway's session counted for this connection ({@code fwd:<code>} or {@code gns:<code>}), given back at close. */
   private String gatewaySession;
   /** While an SP's TERMINATE is answered: the limit on answering it, cancelled once answered (event loop). */
   private ScheduledFuture<?> terminateDeadline;
   private final ClientSessionsStop stopSessions;
   /**
    * The gateway ends the session, because the broker stops or a reload revoked the SP's account: it sends TERMINATE
    * and waits for TERMINATE_RESP (event loop).
    */
   private boolean endingByGateway;
   /** Whether that end is for a revoked account: no broker stop bounds the wait for TERMINATE_RESP then (event loop). */
   private boolean endingForRevokedAccount;
   /** While the gateway ends it: the SP's own TERMINATE, read before the gateway's went out, answered in its place. */
   private Terminate peerTerminate;
   /** While the gateway ends it: whether the gateway's TERMINATE has been written. */
   private boolean ownTerminateSent;
   /** This connection's place among the acceptor's connections not connected yet (PreLoginConnections). */
   private final PreLoginSlot preLogin;

   CmppSession(CmppProtocolManager manager, ActiveMQServer server, GatewayRuntime runtime, SmsRemotingConnection connection,
               Channel channel, CmppPduDecoder decoder, CmppPduEncoder encoder, PendingRequests pending) {
      this.manager = manager;
      this.server = server;
      this.runtime = runtime;
      this.connection = connection;
      this.channel = channel;
      this.decoder = decoder;
      this.encoder = encoder;
      this.brokerExecutor = connection.executor(); // where the connection fails too
      this.writer = new AccountDeliveryWriter(channel, SEQUENCE_OFFSET);
      this.pending = pending;
      this.interceptors = new SessionInterceptors<>(manager, connection, CmppPdu::commandName, logger);
      this.tandem = TandemService.of(runtime);
      this.peers = FwdPeers.of(runtime);
      this.freshness = ConnectFreshness.of(runtime);
      this.stopSessions = ClientSessionsStop.of(server);
      this.preLogin = manager.takePreLogin(remoteAddress(), "cmppMaxUnconnectedPerAddress");
      if (!preLogin.admitted()) {
         // Over the address's connections not connected yet: closed before it takes anything (PreLoginConnections).
         state = State.CLOSED;
         channel.close();
         return;
      }
      if (manager.getCmppConnectTimeout() > 0) {
         connectTimer = channel.eventLoop().schedule(this::onConnectTimeout, manager.getCmppConnectTimeout(), TimeUnit.MILLISECONDS);
      }
      long period = Math.max(100, Math.min(manager.getCmppActiveTestInterval() <= 0 ? Long.MAX_VALUE : manager.getCmppActiveTestInterval(),
                                           manager.getCmppResponseTimeout()) / 2);
      livenessTimer = channel.eventLoop().scheduleAtFixedRate(this::checkLiveness, period, period, TimeUnit.MILLISECONDS);
   }

   CmppProtocolManager manager() {
      return manager;
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
      return manager.getCmppStopTimeout();
   }

   /**
    * The broker stops (decision 141): the session ends as for the gateway's own TERMINATE (nothing more delivered, the
    * DELIVERs written given a bounded time to be answered, the answers owed out first), then TERMINATE, and the close at
    * TERMINATE_RESP. SUBMITs meanwhile get Result 8 (flow control: sent again later). A connection not logged in yet is
    * closed; one ending already goes on. The broker's stop timeout closes what is left.
    */
   @Override
   public void endForBrokerStop() {
      if (state == State.OPEN || state == State.CONNECTING) {
         // A CONNECT in progress finds the connection closed and gives its session back (completeConnect).
         channel.close();
         return;
      }
      endByGateway();
   }

   /**
    * A reload removed the SP's account or revoked this login (decisions.md: revoked accounts): the session ends as for
    * a broker stop (the SUBMITs received before are answered, then the gateway's TERMINATE), and closes at
    * TERMINATE_RESP or, at the latest, {@code cmppResponseTimeout} after the TERMINATE went out. From any thread.
    */
   @Override
   public void endForRevokedAccount() {
      ClientSessionEnd.onEventLoopOrClose(channel, () -> {
         if (state == State.OPEN || state == State.CONNECTING) {
            channel.close(); // as for a broker stop: the CONNECT in progress finds the connection closed
            return;
         }
         if (state == State.CONNECTED && !endingByGateway) {
            endingForRevokedAccount = true;
            endByGateway();
         }
      });
   }

   /** The gateway's TERMINATE after the answers owed; nothing when the session is not connected or ends already. */
   private void endByGateway() {
      if (state != State.CONNECTED || endingByGateway) {
         return;
      }
      endingByGateway = true;
      endSession(() -> {
         if (peerTerminate != null) {
            return peerTerminate.response();
         }
         ownTerminateSent = true;
         return new Terminate(nextSequence());
      });
   }

   @Override
   public Account account() {
      return account;
   }

   @Override
   public AccessProtocol protocol() {
      return AccessProtocol.CMPP;
   }

   CmppVersion version() {
      return version;
   }

   GatewayRuntime runtime() {
      return runtime;
   }

   /** Writes a PDU from any thread; writes from other threads (storage callbacks) are batched onto the event loop. */
   void send(CmppPdu pdu) {
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
    * Writes the answer to a request counted as pending when it was handed on (SUBMIT, CANCEL, FWD), from any
    * thread; the count goes down even if the answer is vetoed, or the connection would stop reading for good.
    */
   void answer(CmppPdu pdu) {
      try {
         send(pdu);
      } finally {
         pending.answered();
      }
   }

   /**
    * The connection's last answer (a refused CONNECT, TERMINATE_RESP): nothing more is taken, and the SP closes
    * (decision 156).
    */
   private void sendAndClose(CmppPdu pdu) {
      state = State.CLOSED;
      stopDeliveries();
      LastAnswer.send(channel, pdu);
   }

   // ---------------------------------------------------------------- inbound dispatch (event loop)

   @Override
   public void onPdu(CmppPdu pdu) {
      connection.markDataReceived();
      lastReceivedNanos = System.nanoTime();
      unansweredProbes = 0;
      if (interceptors.vetoesIncoming(pdu, channel)) {
         return;
      }
      if (state == State.CLOSED) {
         return;
      }
      if (pdu instanceof Connect connect) {
         onConnect(connect);
         return;
      }
      if (state == State.CONNECTING) {
         // Sent right after the CONNECT, before its CONNECT_RESP (SPs pipeline): held until the session exists, then
         // handled in order. Each counts as a pending request, so reading stops at cmppMaxPendingRequests meanwhile.
         if (heldUntilConnected == null) {
            heldUntilConnected = new ArrayDeque<>();
         }
         heldUntilConnected.add(pdu);
         pending.taken();
         return;
      }
      if (state != State.CONNECTED && state != State.TERMINATING) {
         // Nothing but CONNECT is allowed before a CONNECT: a malformed PDU or anything else in its place is garbage
         // instead of a login, a failed one of the address, its line limited per address (decision 130).
         manager.loginPenalties().failed(preLogin.address(), null);
         if (logLine("PDU other than CONNECT before CONNECT")) {
            logger.info("Closing CMPP connection from {}: {} before CONNECT", channel.remoteAddress(), pdu.commandName());
         }
         state = State.CLOSED;
         channel.close();
         return;
      }
      dispatch(pdu);
   }

   /**
    * While the storage is full (decision 131) only what stores waits: SUBMIT (and a peer's FWD). DELIVER_RESP and the
    * other answers, and ACTIVE_TEST, go on at once, so deliveries settle and the SP is not taken for silent; a
    * TERMINATE ends the wait of what came before it.
    */
   @Override
   public StoragePause whileStorageFull(CmppPdu pdu) {
      if (pdu instanceof CmppResponse || pdu instanceof ActiveTest) {
         return StoragePause.PASSES;
      }
      if (pdu instanceof Terminate) {
         return StoragePause.ENDS;
      }
      if (pdu instanceof Submit || pdu instanceof Fwd) {
         return StoragePause.STORES;
      }
      return StoragePause.IN_ORDER;
   }

   /**
    * A SUBMIT (or a peer's FWD) past the ones the connection keeps while the storage is full: checked as any PDU (an
    * interceptor, the login state, a TERMINATE under way), then answered Result 8 at once instead of being stored.
    */
   @Override
   public void refuseForStorage(CmppPdu pdu, io.smsgw.broker.DurableSender.StorageFull full) {
      refusingForStorage = full;
      try {
         onPdu(pdu);
      } finally {
         refusingForStorage = null;
      }
   }

   /** Once the CONNECT completed: the PDUs sent before its CONNECT_RESP, in the order received. */
   private void handOverHeldPdus() {
      if (heldUntilConnected == null) {
         return;
      }
      CmppPdu pdu;
      while ((pdu = heldUntilConnected.poll()) != null) {
         pending.answered(); // counted while held; a SUBMIT counts again when it is handed on
         if (state == State.CONNECTED || state == State.TERMINATING) {
            dispatch(pdu);
         }
      }
      heldUntilConnected = null;
   }

   /** A PDU of a connected session (CONNECTED or TERMINATING). */
   private void dispatch(CmppPdu pdu) {
      if (pdu instanceof MalformedCmppPdu malformed) {
         onMalformed(malformed);
      } else if (pdu instanceof ActiveTest test) {
         send(test.response());
      } else if (pdu instanceof ActiveTestResp) {
         // liveness is tracked by lastReceivedNanos
      } else if (pdu instanceof DeliverResp resp && writer.deliverer() != null) {
         // Only SP sessions deliver; a peer's or GNS client's DELIVER_RESP answers nothing and is ignored below.
         // Every non-zero Result comes again: CMPP's DELIVER_RESP codes (1-8 as SUBMIT_RESP's, 9+ "other") name no
         // refusal for good as SMPP's ESME_RX_P_APPN / ESME_RX_R_APPN do, and SP clients answer 7 or 8 for passing
         // trouble; max-delivery-attempts dead-letters what never gets through. Result 8 (flow control) pauses the
         // session's deliveries and does not use up an attempt (WindowedDeliverer).
         DeliveryCounts.Outcome outcome = deliveryOutcome(resp.result());
         // The refusal's text only for a refusal: nothing is built per acknowledged DELIVER.
         writer.deliverer().onResponse(resp.sequenceId(), outcome,
                                       outcome == DeliveryCounts.Outcome.OK ? null : "DELIVER_RESP Result " + resp.result());
      } else if (pdu instanceof Terminate terminate) {
         onTerminate(terminate);
      } else if (pdu instanceof TerminateResp) {
         channel.close();
      } else if (state == State.TERMINATING && endingByGateway) {
         onWhileBrokerStops(pdu);
      } else if (state == State.TERMINATING) {
         logger.debug("Ignoring {} from '{}' while terminating", pdu.commandName(), peerName());
      } else if (fwd != null) {
         onPeerPdu(pdu);
      } else if (gns != null) {
         gns.onPdu(pdu);
      } else if (pdu instanceof Submit submit) {
         pending.taken();
         if (refusingForStorage != null) {
            submitHandler.refuseForStorage(submit, refusingForStorage);
         } else {
            submitHandler.onSubmit(submit);
         }
      } else if (pdu instanceof Query query) {
         onQuery(query);
      } else if (pdu instanceof Cancel cancel) {
         pending.taken();
         cancelWithinRate(cancel);
      } else if (pdu instanceof CmppRefusableRequest request) {
         // DELIVER, FWD and route requests are not for an SP acceptor.
         send(request.errorResponse(CmppResult.COMMAND_ERROR));
      } else {
         logger.debug("Ignoring unexpected {} from '{}'", pdu.commandName(), peerName());
      }
   }

   /**
    * A request read while the gateway ends the session (a broker stop, a revoked account): every one is answered, so no
    * client waits for its own timeout. What stores is refused with CMPP's "send again later", Result 8 (a SUBMIT; a
    * peer's FWD, which its link puts back without counting a failed delivery, decision 136); what reads or removes state
    * is handled as before (an
    * SP's QUERY and CANCEL: the broker's queues and journal run until the sessions have ended; a gateway's route
    * queries); a route update is refused as "system busy" (the GNS session's own answer).
    */
   private void onWhileBrokerStops(CmppPdu pdu) {
      if (pdu instanceof Submit submit) {
         send(submit.errorResponse(CmppResult.FLOW_CONTROL_ERROR));
      } else if (fwd != null && pdu instanceof Fwd forwarded) {
         send(forwarded.response(CmppResult.FLOW_CONTROL_ERROR));
      } else if (gns != null) {
         gns.onPduWhileStopping(pdu);
      } else if (heldMessages != null && pdu instanceof Query query) {
         onQuery(query);
      } else if (heldMessages != null && pdu instanceof Cancel cancel) {
         // Without a permit of the rate, as the CANCELs waiting for one when the session ends (runCancelsOverRate).
         pending.taken();
         onCancel(cancel);
      } else if (pdu instanceof CmppRefusableRequest request) {
         send(request.errorResponse(CmppResult.COMMAND_ERROR));
      } else {
         logger.debug("Ignoring {} from '{}' while the broker stops", pdu.commandName(), peerName());
      }
   }

   /** The class of a DELIVER_RESP's Result, for the SP's delivery counts: 1 to 7 say the DELIVER was wrong, 8 is flow control. */
   static DeliveryCounts.Outcome deliveryOutcome(long result) {
      if (result == CmppResult.OK) {
         return DeliveryCounts.Outcome.OK;
      }
      if (result == CmppResult.FLOW_CONTROL_ERROR) {
         return DeliveryCounts.Outcome.THROTTLED;
      }
      return result >= CmppResult.STRUCTURE_ERROR && result <= CmppResult.SERVICE_ID_ERROR
         ? DeliveryCounts.Outcome.INVALID : DeliveryCounts.Outcome.OTHER;
   }

   /** Created at the first malformed PDU (event loop only). */
   private MalformedPduLog malformedLog;
   /** PDUs received while the CONNECT is completed (CONNECTING), handed over once it is (event loop only). */
   private ArrayDeque<CmppPdu> heldUntilConnected;

   private void onMalformed(MalformedCmppPdu malformed) {
      if (malformed.kind() == MalformedCmppPdu.Kind.UNKNOWN_COMMAND) {
         if (state == State.OPEN) {
            manager.loginPenalties().failed(remoteAddress(), null); // garbage instead of a CONNECT: a failed login
         }
         if (state != State.OPEN || logLine("unknown Command_Id before CONNECT")) {
            logger.warn("Unknown Command_Id 0x{} from '{}' ({}); terminating the connection",
                        Integer.toHexString(malformed.commandId()), peerName(), channel.remoteAddress());
         }
         terminate();
         return;
      }
      if (malformedLog == null) {
         malformedLog = new MalformedPduLog(logger, this::logName);
      }
      malformedLog.malformed(malformed.commandName(), malformed.reason());
      if (malformed.isResponse()) {
         return;
      }
      // Result 4 when Total_Length disagrees with DestUsr_tl / Msg_Length (nothing is stored), else 1.
      malformed.errorResponse(malformed.refusalResult()).ifPresentOrElse(this::send, this::terminate);
   }

   /**
    * The gateway ends the session (a PDU it cannot go on after): as for the SP's own TERMINATE, nothing more is read or
    * delivered, and the answers owed for what was received before (SUBMIT_RESPs of submits on their way to the journal,
    * FWD_RESPs, CANCEL_RESPs) go out first, bounded by the same drain; then TERMINATE, and the close once it is written
    * and the DELIVERs already sent are answered (bounded). The SP's TERMINATE_RESP is not waited for. Without the wait
    * a stored submit lost its SUBMIT_RESP, and the SP sent it again: a duplicate to the handset.
    */
   private void terminate() {
      if (state == State.TERMINATING) {
         return; // ending already: the SP's TERMINATE or an earlier reason
      }
      endSession(() -> new Terminate(nextSequence()));
   }

   // ---------------------------------------------------------------- CONNECT

   private void onConnect(Connect connect) {
      if (state != State.OPEN) {
         send(connect.errorResponse(CmppResult.CONNECT_OTHER_ERROR));
         return;
      }
      boolean known = CmppVersion.isKnown(connect.version());
      // The response's Status width follows the client's version; an unknown one gets the 3.0 layout.
      CmppVersion replyVersion = known ? CmppVersion.fromByte(connect.version()) : CmppVersion.V30;
      encoder.setVersion(replyVersion);
      decoder.setVersion(replyVersion);
      // A code listed both as a peer and in the tandem directory opens a FWD session.
      boolean fromPeer = peers.isPeer(connect.sourceAddr());
      boolean fromGateway = !fromPeer && tandem.isGateway(connect.sourceAddr());
      InetAddress remote = channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
      long penalty = manager.loginPenalties().penaltyBeforeCheck(remote);
      if (penalty >= 0) {
         // Not checked, so not told whether the secret was right (decision 99); counted, not logged one a line.
         logger.debug("Refused CONNECT from {} for {} unchecked: failed-login penalty of the address, answered in {} ms",
                      channel.remoteAddress(), LogText.safe(connect.sourceAddr()), penalty);
         refuseAfter(connect.response(CmppResult.CONNECT_AUTHENTICATION_ERROR, new byte[16], manager.highestVersion()), penalty);
         return;
      }
      failedLogin = false;
      failedAccount = null;
      refusalLineKind = null;
      int status = checkConnect(connect, known, fromGateway, fromPeer);
      if (status == CmppResult.CONNECT_OK && (fromPeer || fromGateway)) {
         status = countGatewaySession(connect.sourceAddr(), fromPeer); // after authentication, as an SP's max-sessions
      }
      if (status != CmppResult.CONNECT_OK) {
         long delay = failedLogin ? manager.loginPenalties().failed(remote, failedAccount) : 0;
         if (refusalLineKind == null || logLine(refusalLineKind)) {
            logger.info("Refused CONNECT from {} for {} (version 0x{}): status {}{}", channel.remoteAddress(),
                        LogText.safe(connect.sourceAddr()), Integer.toHexString(connect.version()), status,
                        delay > 0 ? ", answered after a penalty of " + delay + " ms" : "");
         }
         refuseAfter(connect.response(status, new byte[16], manager.highestVersion()), delay);
         return;
      }
      version = replyVersion;
      loginDecided(true);
      if (fromPeer) {
         state = State.CONNECTING;
         brokerExecutor.execute(() -> openFwdSession(connect));
         return;
      }
      if (fromGateway) {
         openGnsSession(connect);
         return;
      }
      state = State.CONNECTING;
      brokerExecutor.execute(() -> openBrokerSession(connect));
   }

   /** A gateway asking this tandem for routes: no broker session; it is registered for route pushes. */
   private void openGnsSession(Connect connect) {
      if (connectTimer != null) {
         connectTimer.cancel(false);
      }
      state = State.CONNECTED;
      connection.setClientID(connect.sourceAddr());
      gns = tandem.open(connect.sourceAddr(), this);
      send(connect.response(CmppResult.CONNECT_OK, tandem.authenticatorIsmg(connect, version), manager.highestVersion()));
      logger.info("Gateway {} connected to the tandem from {} with CMPP version 0x{}", connect.sourceAddr(),
                  channel.remoteAddress(), Integer.toHexString(connect.version()));
   }

   /** A peer gateway forwarding to this one: a producing broker session bound to this connection. */
   private void openFwdSession(Connect connect) {
      try {
         FwdSessionHandler handler = FwdSessionHandler.open(peers, connect.sourceAddr(), version, manager.timeZone(), server, connection,
                                                                   this::answer, channel.eventLoop(), pending);
         channel.eventLoop().execute(() -> completeFwdConnect(connect, handler));
      } catch (Throwable e) {
         logger.warn("CONNECT of peer gateway {} failed inside the broker", connect.sourceAddr(), e);
         channel.eventLoop().execute(() -> sendAndClose(connect.response(CmppResult.CONNECT_OTHER_ERROR, new byte[16],
                                                                         manager.highestVersion())));
      }
   }

   private void completeFwdConnect(Connect connect, FwdSessionHandler handler) {
      if (state != State.CONNECTING) {
         handler.close();
         return;
      }
      if (connectTimer != null) {
         connectTimer.cancel(false);
      }
      state = State.CONNECTED;
      fwd = handler;
      connection.setClientID("gw:" + connect.sourceAddr());
      send(connect.response(CmppResult.CONNECT_OK, peers.authenticatorIsmg(connect, version), manager.highestVersion()));
      logger.info("Peer gateway {} connected from {} with CMPP version 0x{}", connect.sourceAddr(), channel.remoteAddress(),
                  Integer.toHexString(connect.version()));
      handOverHeldPdus();
   }

   private void onPeerPdu(CmppPdu pdu) {
      if (pdu instanceof Fwd forwarded) {
         pending.taken();
         if (refusingForStorage != null) {
            fwd.refuseForStorage(forwarded, refusingForStorage);
         } else {
            fwd.onFwd(forwarded);
         }
      } else if (pdu instanceof CmppRefusableRequest request) {
         send(request.errorResponse(CmppResult.COMMAND_ERROR));
      } else {
         logger.debug("Ignoring unexpected {} from peer gateway {}", pdu.commandName(), fwd.peerCode());
      }
   }

   /** Who and where, for the log of malformed PDUs. */
   private String logName() {
      return "'" + peerName() + "' (" + channel.remoteAddress() + ")";
   }

   private String peerName() {
      return fwd != null ? "peer " + fwd.peerCode() : gns != null ? "gateway " + gns.gatewayCode() : account == null ? "?" : account.id();
   }

   private int checkConnect(Connect connect, boolean knownVersion, boolean fromGateway, boolean fromPeer) {
      // Layouts are compared, not version bytes: 2.1 (0x21, gocmpp's default) speaks 2.0's layout, which a 2.0 acceptor reads.
      if (!knownVersion || CmppVersion.fromByte(connect.version()).code() > manager.highestVersion()) {
         failedLogin = true; // the address's count: checked before any id (decision 130)
         refusalLineKind = "CONNECT with an unknown or too high Version";
         return CmppResult.CONNECT_VERSION_TOO_HIGH;
      }
      if (!runtime.isConfigured()) {
         return CmppResult.CONNECT_OTHER_ERROR;
      }
      if (fromPeer || fromGateway) {
         // Gateway codes are public: each refusal counts against the client address, as an SP's do (decision 130).
         failedLogin = true;
         int access = checkGatewayAccess(connect.sourceAddr(), fromPeer);
         if (access == CmppResult.CONNECT_OK && fromPeer) {
            access = checkPeerCertificate(connect.sourceAddr());
         }
         if (access != CmppResult.CONNECT_OK) {
            return access;
         }
         if (!isCurrent(connect)) {
            return CmppResult.CONNECT_AUTHENTICATION_ERROR;
         }
         int status = fromPeer ? peers.checkConnect(connect) : tandem.checkConnect(connect);
         if (status != CmppResult.CONNECT_OK) {
            return status;
         }
         failedLogin = false; // authenticated; a replay is no guess
         return isFirstUse(connect) ? status : CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      // An unknown SP_Id, an address outside the allowlist and a wrong secret all get Status 3 (decision 96): a
      // distinct answer would tell a prober which SP_Ids exist. The log keeps the real reason.
      Account found = runtime.findAccount(connect.sourceAddr()).orElse(null);
      if (found == null || !found.allowsProtocol(AccessProtocol.CMPP)) {
         logRefusal(connect, found == null ? "unknown SP_Id" : "account not enabled for CMPP");
         failedLogin = true;
         failedAccount = connect.sourceAddr(); // counted as a known SP_Id is, so the delay tells nothing
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      // Before the authenticator: a disallowed address learns nothing about the secret.
      if (channel.remoteAddress() instanceof InetSocketAddress remote && !found.allowsIp(remote.getAddress())) {
         logRefusal(connect, "address not in the account's allowed-ips");
         failedLogin = true;
         failedAccount = found.id(); // as an unknown SP_Id is counted
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      if (!isCurrent(connect)) {
         failedLogin = true; // the address's count: a client sending stale CONNECTs in a loop
         return CmppResult.CONNECT_AUTHENTICATION_ERROR; // isCurrent logged why
      }
      if (!CmppAuthenticator.verifySource(connect, found.password())) {
         logRefusal(connect, "wrong authenticator (secret)");
         failedLogin = true;
         failedAccount = found.id();
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      // A shipped demo secret is public: taken from this host only (decision 133). Answered and counted as a wrong
      // secret, so a prober cannot tell which SPs still have one.
      if (DemoSecrets.refusedFrom(found, remoteAddress())) {
         logRefusal(connect, "the demo shared secret shipped with the quick start, from an address not of this host");
         failedLogin = true;
         failedAccount = found.id();
         if (manager.loginPenalties().lines().admitForAccount("CONNECT with the shipped demo secret", found.id())) {
            logger.warn("Refused a CONNECT as SP {} from {}: the account still has the demo shared secret shipped with the "
                           + "quick start (printed in the README), taken only from this host. Give it its own secret in "
                           + "sms-gateway.conf (README, \"Security\").", LogText.safe(found.id()), channel.remoteAddress());
         }
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      if (manager.isCmppConnectReplayCheck() && !isFirstUse(connect)) {
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      if (!runtime.tryOpenSession(found)) {
         return CmppResult.CONNECT_OTHER_ERROR;
      }
      account = found;
      if (!runtime.loggedIn(this)) {
         // A reload between the checks above and here removed or revoked the account.
         runtime.closeSession(found.id());
         account = null;
         logRefusal(connect, "account removed or revoked by a reload during the CONNECT");
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      return CmppResult.CONNECT_OK;
   }

   private void logRefusal(Connect connect, String reason) {
      logger.info("CONNECT from {} for {}: {}", channel.remoteAddress(), LogText.safe(connect.sourceAddr()), reason);
   }

   /** Whether the refused CONNECT failed on its credentials (an unknown SP_Id, a disallowed address, a wrong secret). */
   private boolean failedLogin;
   /** The SP_Id the failed CONNECT named (an SP's or not), else null. */
   private String failedAccount;
   /**
    * For a refusal any client can cause over and over without naming credentials: the kind its line is limited by per
    * address (PerAddressLog); null: its line is always written.
    */
   private String refusalLineKind;

   /**
    * Sends the refusal and closes, at once or after {@code delayMillis} on the event loop (never blocking it). The
    * connection reads nothing more meanwhile and its CONNECT timer no longer runs.
    */
   private void refuseAfter(CmppPdu refusal, long delayMillis) {
      state = State.CLOSED;
      stopDeliveries();
      LoginPenalties.refuse(channel, CmppProtocolManager.FRAME_NAME, refusal, delayMillis, connectTimer);
   }

   /**
    * Tells the connection's frame decoder the login was accepted (full-size PDUs from now on) or refused (nothing more
    * buffered); on the event loop, before the next frame is cut.
    */
   private void loginDecided(boolean accepted) {
      PduFrameDecoder.loginDecided(channel, CmppProtocolManager.FRAME_NAME, accepted);
      if (accepted) {
         preLogin.release();
      }
   }

   @Override
   public InetAddress remoteAddress() {
      return channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
   }

   /** Whether a line a client can cause once per connection before its login is to be written (else counted). */
   private boolean logLine(String kind) {
      return manager.loginPenalties().lines().admit(kind, remoteAddress());
   }

   /** Whether the Timestamp is within cmppConnectTimeSkew of the gateway's clock (a captured CONNECT grows old). */
   private boolean isCurrent(Connect connect) {
      long skew = manager.getCmppConnectTimeSkew();
      java.time.ZoneId zone = manager.timeZone();
      if (freshness.isCurrent(connect.timestamp(), skew, zone)) {
         return true;
      }
      if (!logLine("CONNECT with a stale Timestamp")) {
         return false;
      }
      Long offset = freshness.offsetSeconds(connect.timestamp(), zone);
      if (offset == null) {
         logger.info("CONNECT from {} for {}: Timestamp {} names no time", channel.remoteAddress(), LogText.safe(connect.sourceAddr()),
                     connect.timestamp());
      } else if (clientZone(offset, zone) != null) {
         // Status 3 reads as a wrong secret to the SP: the log has to name the setting that is wrong.
         logger.warn("CONNECT from {} for {} refused (Status 3): its Timestamp {} is {} h {} the gateway's clock in {} (cmppTimeZone), "
                     + "which looks like a time-zone mismatch, not a wrong clock: the client writes its times in "
                     + "UTC{}. Set the acceptor parameter cmppTimeZone to the clients' zone (CMPP peers write Beijing time: "
                     + "cmppTimeZone=Asia/Shanghai)",
                     channel.remoteAddress(), LogText.safe(connect.sourceAddr()), connect.timestamp(), Math.round(Math.abs(offset) / 3600.0),
                     offset < 0 ? "behind" : "ahead of", zone.getId(), clientZone(offset, zone).getId());
      } else {
         logger.info("CONNECT from {} for {}: Timestamp {} is {} s {} the gateway's clock, over cmppConnectTimeSkew ({} s)",
                     channel.remoteAddress(), LogText.safe(connect.sourceAddr()), connect.timestamp(), Math.abs(offset),
                     offset < 0 ? "behind" : "ahead of", skew);
      }
      return false;
   }

   /**
    * The UTC offset a client's clock seems to be in when its Timestamp is off the gateway's clock in {@code zone} by a
    * whole number of hours (give or take 5 minutes of drift) and that puts it in a zone that exists (UTC-12 to
    * UTC+14); null otherwise (a wrong clock, a day-old CONNECT).
    */
   static java.time.ZoneOffset clientZone(long offsetSeconds, java.time.ZoneId zone) {
      long hours = Math.round(offsetSeconds / 3600.0);
      if (hours == 0 || Math.abs(offsetSeconds - hours * 3600) > 300) {
         return null;
      }
      long client = zone.getRules().getOffset(java.time.Instant.now()).getTotalSeconds() + hours * 3600;
      return client < -12 * 3600 || client > 14 * 3600 ? null : java.time.ZoneOffset.ofTotalSeconds((int) client);
   }

   /** Whether this authenticated CONNECT is the first with its Timestamp and authenticator (else: a replay). */
   private boolean isFirstUse(Connect connect) {
      if (freshness.firstUse(connect, manager.getCmppConnectTimeSkew(), manager.timeZone())) {
         return true;
      }
      if (logLine("replayed CONNECT")) {
         logger.warn("CONNECT from {} for {} repeats the Timestamp {} and authenticator of an accepted one: refused as a replay "
                     + "(or a client's second connection within one Timestamp second)",
                     channel.remoteAddress(), LogText.safe(connect.sourceAddr()), connect.timestamp());
      }
      return false;
   }

   /**
    * Where another gateway (a peer, or on a tandem a gateway of its directory) may connect: on an acceptor with
    * {@code cmppAcceptPeers=true} (else Status 2, as for an unknown SP) and from one of its addresses (else
    * Status 3, as for a wrong secret), checked before its secret.
    */
   private int checkGatewayAccess(String code, boolean fromPeer) {
      String who = fromPeer ? "peer gateway " + code : "gateway " + code;
      if (!manager.isCmppAcceptPeers()) {
         if (logLine("gateway CONNECT on an SP acceptor")) {
            logger.warn("CONNECT of {} from {} refused: the acceptor at {} takes SPs only; gateways connect to an acceptor "
                        + "with cmppAcceptPeers=true (7930 by convention)", who, channel.remoteAddress(), channel.localAddress());
         }
         return CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR;
      }
      InetAddress remote = channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
      List<CidrBlock> allowed = fromPeer ? peers.allowedSources(code) : tandem.allowedSources(code);
      if (!CidrBlock.anyContains(allowed, remote)) {
         if (logLine("gateway CONNECT from a disallowed address")) {
            logger.warn("CONNECT of {} from {} refused: not an address it may connect from {} (its allowed-ips, else the "
                        + "addresses of its host)", who, channel.remoteAddress(), allowed);
         }
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      return CmppResult.CONNECT_OK;
   }

   /**
    * A peer whose entry pins its certificate ({@code tls-peer-name}, {@code tls-peer-sha256}) must have presented that
    * certificate in this connection's TLS handshake (Artemis' SslHandler sits in front of the gateway's handlers, and
    * the CONNECT comes after the handshake): else Status 3, as for a wrong secret, checked before the secret so a
    * gateway holding another trusted certificate learns nothing about it. Without the setting any certificate the
    * acceptor's trust store vouches for passes, as before.
    */
   private int checkPeerCertificate(String code) {
      TlsPeerIdentity identity = peers.identity(code);
      if (!identity.isSet()) {
         return CmppResult.CONNECT_OK;
      }
      X509Certificate presented = clientCertificate();
      if (presented == null) {
         if (logLine("peer CONNECT without a client certificate")) {
            logger.warn("CONNECT of peer gateway {} from {} refused: it presented no TLS client certificate, and its entry "
                        + "names the one it must present (tls-peer-name / tls-peer-sha256); peers connect to an acceptor "
                        + "with sslEnabled=true and needClientAuth=true", code, channel.remoteAddress());
         }
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      String mismatch = identity.mismatch(presented);
      if (mismatch != null) {
         if (logLine("peer CONNECT with another gateway's certificate")) {
            logger.warn("CONNECT of peer gateway {} from {} refused: its TLS client certificate (subject \"{}\") is not the "
                        + "one configured for {}: {}", code, channel.remoteAddress(),
                        LogText.safe(presented.getSubjectX500Principal().getName()), code, mismatch);
         }
         return CmppResult.CONNECT_AUTHENTICATION_ERROR;
      }
      return CmppResult.CONNECT_OK;
   }

   /** The certificate the client presented in this connection's TLS handshake, or null (no TLS, or none presented). */
   private X509Certificate clientCertificate() {
      SslHandler tls = channel.pipeline().get(SslHandler.class);
      if (tls == null) {
         return null;
      }
      try {
         Certificate[] chain = tls.engine().getSession().getPeerCertificates();
         return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? leaf : null;
      } catch (SSLPeerUnverifiedException none) {
         return null; // the acceptor does not ask for one (needClientAuth off) and the client sent none
      }
   }

   /** Counts the authenticated gateway's session against its max-sessions: Status 5 when it has them all open. */
   private int countGatewaySession(String code, boolean fromPeer) {
      String key = (fromPeer ? "fwd:" : "gns:") + code;
      int max = fromPeer ? peers.maxSessions(code) : tandem.maxSessions(code);
      if (!runtime.tryOpenGatewaySession(key, max)) {
         logger.warn("CONNECT of {} gateway {} from {} refused: it has {} session(s) open, its max-sessions is {}",
                     fromPeer ? "peer" : "GNS", code, channel.remoteAddress(), runtime.openGatewaySessions(key), max);
         return CmppResult.CONNECT_OTHER_ERROR;
      }
      gatewaySession = key;
      return CmppResult.CONNECT_OK;
   }

   /** Runs on the broker executor: creating the session, queue and consumer may write to the journal. */
   private void openBrokerSession(Connect connect) {
      ServerSession session = null;
      try {
         OperationContext context = server.newOperationContext();
         deliverFactory = new CmppDeliverFactory(version, this::nextSequence, runtime.config().codeValue(), account.cmppDeliverOver140(),
                                                 manager.timeZone());
         DeliveryCounts counts = AcceptorMeters.account(server, CmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), manager.getCmppAccountQueuePrefix()).deliveries();
         WindowedDeliverer<ByteBuf> deliverer = new WindowedDeliverer<>(this, server, counts, manager.getCmppWindowSize(),
                                                                        manager.getCmppResponseTimeout(), manager.getCmppThrottlePause());
         writer.setDeliverer(deliverer);
         session = AccountSessions.open(server, UUID.randomUUID().toString(), account, connection, deliverer, context,
            manager.getPrefixes(), manager.getSecurityDomain());
         session.addProducer(session.getName(), CmppProtocolManagerFactory.PROTOCOL_NAME, manager.getCmppSubmitAddress());
         SimpleString queue = AccountQueues.create(server, manager.getCmppAccountQueuePrefix(), account.id());
         // the account's MO, and the reports of the MT submitted over CMPP (not those of its SMPP sessions' MT)
         AccountSessions.consume(server, session, queue, AccountQueueFilters.cmpp());
         serverSession = session;
         sender = new DurableSender(server, session, context);
         channel.eventLoop().execute(() -> completeConnect(connect));
      } catch (Throwable e) {
         if (session != null) {
            // Its failure listener may have been added to a connection that had already failed: close it here.
            SmsRemotingConnection.closeOrphaned(session, brokerExecutor);
         }
         logger.warn("CONNECT of SP '{}' failed inside the broker", account.id(), e);
         channel.eventLoop().execute(() -> {
            if (state != State.CONNECTING) {
               return; // the connection went away meanwhile; onChannelClosed gave the session back
            }
            runtime.closeSession(account.id());
            runtime.loggedOut(this);
            account = null;
            sendAndClose(connect.response(CmppResult.CONNECT_OTHER_ERROR, new byte[16], manager.highestVersion()));
         });
      }
   }

   private void completeConnect(Connect connect) {
      if (state != State.CONNECTING) {
         // The connection went away meanwhile, before this session could hear of it: close it, or its consumer stays.
         SmsRemotingConnection.closeOrphaned(serverSession, brokerExecutor);
         return;
      }
      if (connectTimer != null) {
         connectTimer.cancel(false);
      }
      state = State.CONNECTED;
      connection.setClientID(account.id());
      writer.deliverer().joinAccount(); // here, where a close after it is sure to leave again
      submitHandler = new CmppSubmitHandler(this, server, sender);
      // CANCELs wait for the SUBMITs read before them, and for each other (decision 69).
      heldMessages = new HeldMessageQueues(server, manager.getCmppSubmitAddress(), brokerExecutor, sender::afterPendingWrites);
      byte[] authenticatorIsmg = CmppAuthenticator.authenticatorIsmg(CmppResult.CONNECT_OK, connect.authenticatorSource(),
                                                                     account.password(), version);
      send(connect.response(CmppResult.CONNECT_OK, authenticatorIsmg, manager.highestVersion()));
      logger.info("SP '{}' connected from {} with CMPP version 0x{}", account.id(), channel.remoteAddress(),
                  Integer.toHexString(connect.version()));
      serverSession.start();
      handOverHeldPdus();
   }

   private void onConnectTimeout() {
      if (state == State.OPEN) {
         // A connection that never connects held a socket for the whole timeout: a failed login of its address (no account).
         manager.loginPenalties().failed(preLogin.address(), null);
         if (logLine("no CONNECT within cmppConnectTimeout")) {
            logger.info("Closing CMPP connection from {}: no CONNECT within {} ms", channel.remoteAddress(), manager.getCmppConnectTimeout());
         }
         state = State.CLOSED;
         channel.close();
      }
   }

   // ---------------------------------------------------------------- TERMINATE, QUERY, CANCEL

   /**
    * Stops new deliveries, waits (bounded) for the DELIVER_RESPs of DELIVERs already sent, lets submits already received
    * become durable (their SUBMIT_RESPs go out first), then answers and closes; deliveries still unanswered go back to
    * the queue. CANCELs received before are answered first too.
    */
   private void onTerminate(Terminate terminate) {
      if (endingByGateway && state == State.TERMINATING) {
         // Both sides end the session: answered in place of the gateway's TERMINATE, or at once once that has gone out.
         if (!ownTerminateSent) {
            peerTerminate = terminate;
         } else {
            channel.writeAndFlush(terminate.response());
            ClientSessionEnd.closeAfterLastAnswer(channel, writer.deliverer(), drainMillis());
         }
         return;
      }
      if (state == State.TERMINATING) {
         logger.debug("Ignoring TERMINATE from '{}': the session is ending already", peerName());
         return;
      }
      endSession(terminate::response);
   }

   /**
    * Ends the session with {@code last} (TERMINATE_RESP to the SP's TERMINATE, or the gateway's own TERMINATE), written
    * after the answers owed for what was received before it.
    */
   private void endSession(Supplier<CmppPdu> last) {
      if (fwd != null) {
         // FWD_RESPs of FWDs already received go out first, then TERMINATE_RESP / TERMINATE.
         state = State.TERMINATING;
         fwd.afterPendingWrites(() -> channel.eventLoop().execute(() -> {
            if (state == State.TERMINATING) {
               endGatewaySession(last.get());
            }
         }));
         return;
      }
      if (gns != null) {
         state = State.TERMINATING;
         endGatewaySession(last.get());
         return;
      }
      if (serverSession == null) {
         sendAndClose(last.get());
         return;
      }
      state = State.TERMINATING;
      runCancelsOverRate();
      stopDeliveries();
      // On the session's ordered broker executor: the stop waits for a hand-over in progress (up to 30 s), and this
      // event loop reads other connections too.
      SmsRemotingConnection.stopOn(serverSession, brokerExecutor);
      // The DELIVER_RESPs of DELIVERs already sent may follow the TERMINATE: wait for them, bounded, so they acknowledge
      // their messages instead of bringing them again when the SP connects next (decision 94).
      SessionEndDeadline.afterDeliveriesAnswered(channel, writer.deliverer(), drainMillis(), () -> answerTerminateAfterOwedAnswers(last));
   }

   /**
    * The last PDU of a peer gateway's or a GNS client's session: the gateway's own TERMINATE for a broker stop waits
    * for TERMINATE_RESP (which closes, see dispatch; the broker's stop timeout bounds the wait), as an SP's does, so
    * what the other gateway sends until it has read the TERMINATE is still answered; anything else closes once written.
    */
   private void endGatewaySession(CmppPdu last) {
      if (endingByGateway && last instanceof Terminate) {
         channel.writeAndFlush(last);
      } else {
         sendAndClose(last);
      }
   }

   private long drainMillis() {
      return Math.min(manager.getCmppTerminateDrainTimeout(), manager.getCmppResponseTimeout());
   }

   /**
    * Submits already received become durable first (their SUBMIT_RESPs go out before TERMINATE_RESP), and the CANCELs
    * received before are answered first too: they wait for the held queues' intake, on the broker executor after the
    * stop (the SP would otherwise never learn that its message was cancelled). Then TERMINATE_RESP.
    *
    * <p>When every DELIVER is answered, the broker session closes before those answers are waited for, as it always
    * did: the close does not wait on them, nor they on it. When some are not (the wait for them ran out), it stays open
    * until the socket closes, so an answer the SP sends after TERMINATE_RESP still acknowledges its message.
    */
   private void answerTerminateAfterOwedAnswers(Supplier<CmppPdu> last) {
      if (state != State.TERMINATING) {
         return; // closed meanwhile
      }
      // An answer owed before TERMINATE_RESP can be held up for good (a stuck held queue) while the SP keeps the link alive.
      terminateDeadline = SessionEndDeadline.closeIfNotEndedWithin(channel, manager.getCmppResponseTimeout(), "TERMINATE", account.id(), logger);
      boolean allAnswered = !writer.hasUnanswered();
      // Once the submits are durable or failed (each SUBMIT_RESP reported by then).
      sender.afterPendingWrites(() -> brokerExecutor.execute(() -> {
         if (allAnswered) {
            ClientSessionEnd.closeBrokerSession(serverSession, logger, "TERMINATE"); // unacknowledged DELIVERs go back
         }
         heldMessages.afterAnswers(() -> channel.eventLoop().execute(() -> answerTerminate(last)));
      }));
   }

   /**
    * TERMINATE_RESP; once every DELIVER written is answered (at once when they all are) nothing more is taken, and the
    * SP closes its socket when it reads TERMINATE_RESP (the gateway closes {@link LastAnswer#DRAIN_MILLIS} later at the
    * latest). A DELIVER_RESP it sends before that still counts. A broker session
    * still open closes after the socket ({@link #onChannelClosed}); unanswered DELIVERs go back to the queue then.
    */
   private void answerTerminate(Supplier<CmppPdu> last) {
      if (state != State.TERMINATING) {
         return;
      }
      terminateDeadline.cancel(false);
      CmppPdu pdu = last.get();
      channel.writeAndFlush(pdu);
      if (endingByGateway && pdu instanceof Terminate) {
         // The gateway's TERMINATE (broker stop, revoked account): the SP's TERMINATE_RESP closes (dispatch), and
         // DELIVER_RESPs until then still acknowledge; the broker's stop timeout bounds the wait, or for a revoked account
         // the response timeout.
         if (endingForRevokedAccount) {
            ClientSessionEnd.closeIfUnansweredForRevokedAccount(channel, manager.getCmppResponseTimeout(), "TERMINATE_RESP",
                                                                "TERMINATE", account.id(), logger);
         }
         return;
      }
      ClientSessionEnd.closeAfterLastAnswer(channel, writer.deliverer(), drainMillis());
   }

   private void onQuery(Query query) {
      int day;
      try {
         day = Integer.parseInt(query.time().trim());
      } catch (NumberFormatException e) {
         day = runtime.traffic().today();
      }
      String serviceId = query.queryType() == Query.TYPE_BY_SERVICE ? query.queryCode() : null;
      int queriedDay = day;
      SimpleString queue = SimpleString.of(manager.getCmppAccountQueuePrefix() + account.id());
      // MO_WT walks the SP's queue: on the session's broker executor, never the event loop, counted pending so an SP
      // that floods QUERYs is stopped reading as one that floods SUBMITs. A recent walk's counts answer without one
      // (WaitingMo), so QUERYs back to back do not read the queue's page files again each.
      pending.taken();
      brokerExecutor.execute(() -> {
         java.util.concurrent.CompletableFuture<WaitingMo.Counts> counts;
         try {
            counts = manager.waitingMo().counts(server, runtime.traffic(), queue);
         } catch (RuntimeException e) {
            counts = java.util.concurrent.CompletableFuture.failedFuture(e);
         }
         counts.whenComplete((waiting, failure) -> {
            long moWaiting;
            if (failure != null) {
               logger.debug("Counting the MO waiting for '{}' failed", peerName(), failure);
               moWaiting = 0;
            } else {
               moWaiting = waiting.of(queriedDay, serviceId);
            }
            long[] c = runtime.traffic().snapshot(account.id(), queriedDay, serviceId);
            // MT outcomes come from the reports routing sees; waiting = submitted without a final state yet.
            long mtWaiting = Math.max(0, c[TrafficCounters.MT_MESSAGES] - c[TrafficCounters.MT_DELIVERED] - c[TrafficCounters.MT_FAILED]);
            answer(new QueryResp(query.sequenceId(), query.time(), query.queryType(), query.queryCode(),
                                 c[TrafficCounters.MT_MESSAGES], c[TrafficCounters.MT_RECIPIENTS], c[TrafficCounters.MT_DELIVERED],
                                 mtWaiting, c[TrafficCounters.MT_FAILED], c[TrafficCounters.MO_DELIVERED], moWaiting,
                                 c[TrafficCounters.MO_FAILED]));
         });
      });
   }

   /** CANCELs waiting for a permit of the account's rate, in the order read (event loop only); null until one waits. */
   private ArrayDeque<Cancel> cancelsOverRate;

   /**
    * A CANCEL searches the held messages as SMPP's cancel_sm does, so it takes one permit of the account's
    * max-submit-rate too (decision 97 and its follow-up). CANCEL_RESP has no throttling answer (Success_Id 1 would tell
    * the SP its message could not be cancelled, and it would then be sent), so one over the rate is not refused: it
    * waits, in order, until a permit comes, still counted pending, so an SP that keeps sending them reaches
    * {@code cmppMaxPendingRequests} and the acceptor stops reading from it, as for any SP that outruns its answers.
    */
   private void cancelWithinRate(Cancel cancel) {
      RateLimiter limiter = runtime.submitLimiter(account);
      if (cancelsOverRate == null || cancelsOverRate.isEmpty()) {
         if (limiter.tryAcquire(1)) {
            onCancel(cancel);
            return;
         }
         if (cancelsOverRate == null) {
            cancelsOverRate = new ArrayDeque<>();
         }
         cancelsOverRate.add(cancel);
         retryCancelsLater(limiter);
      } else {
         cancelsOverRate.add(cancel);
      }
   }

   private void retryCancelsLater(RateLimiter limiter) {
      channel.eventLoop().schedule(this::retryCancels, limiter.nanosPerPermit(), TimeUnit.NANOSECONDS);
   }

   /** Event loop: the CANCELs waiting for permits, as many as the rate has now; the rest wait for the next permit. */
   private void retryCancels() {
      if (state != State.CONNECTED || cancelsOverRate == null) {
         return; // ending: endSession ran them; closed: nobody to answer
      }
      RateLimiter limiter = runtime.submitLimiter(account);
      while (!cancelsOverRate.isEmpty() && limiter.tryAcquire(1)) {
         onCancel(cancelsOverRate.poll());
      }
      if (!cancelsOverRate.isEmpty()) {
         retryCancelsLater(limiter);
      }
   }

   /**
    * The session ends: CANCELs read before its end are answered before it (TERMINATE_RESP after them), so those still
    * waiting for a permit run now, without one: there are at most {@code cmppMaxPendingRequests} of them.
    */
   private void runCancelsOverRate() {
      if (cancelsOverRate != null) {
         for (Cancel cancel; (cancel = cancelsOverRate.poll()) != null; ) {
            onCancel(cancel);
         }
      }
   }

   /** Removes an MT that has not been sent on yet; Success_Id 1 when it already left (or never existed). */
   private void onCancel(Cancel cancel) {
      String smsId = CmppMsgId.toHex(cancel.msgId());
      heldMessages.afterArrivals(scan -> {
         int removed;
         try {
            removed = scan.deleteAll(HeldMessageQueues.filter(account.id(), smsId, null, null));
         } catch (Exception e) {
            logger.warn("CANCEL of {} for '{}' failed", smsId, account.id(), e);
            removed = 0;
         }
         try {
            answer(cancel.response(removed > 0 ? CmppResult.CANCEL_SUCCESS : CmppResult.CANCEL_FAILURE));
         } finally {
            heldMessages.answered();
         }
      });
   }

   // ---------------------------------------------------------------- liveness (C/T/N), close

   /** ACTIVE_TEST after C idle; resent after T without an answer; the connection is dropped after N probes. */
   private void checkLiveness() {
      writer.expireOverdue();
      long interval = manager.getCmppActiveTestInterval();
      if (state != State.CONNECTED || interval <= 0) {
         return;
      }
      long now = System.nanoTime();
      long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - lastReceivedNanos);
      if (idleMillis < interval) {
         return;
      }
      boolean probeDue = unansweredProbes == 0
         || TimeUnit.NANOSECONDS.toMillis(now - lastProbeNanos) >= manager.getCmppResponseTimeout();
      if (!probeDue) {
         return;
      }
      if (unansweredProbes >= manager.getCmppActiveTestRetries()) {
         logger.info("Closing CMPP connection of '{}': {} ACTIVE_TEST unanswered", peerName(), unansweredProbes);
         state = State.CLOSED;
         channel.close();
         return;
      }
      unansweredProbes++;
      lastProbeNanos = now;
      send(new ActiveTest(nextSequence()));
   }

   /**
    * No DELIVER from here, not even a waiting part of a long MO whose earlier parts the SP answers while
    * terminating: the broker session's close puts that MO back whole, and the SP gets it complete when it connects again.
    * Nor a single DELIVER the broker handed over while the TERMINATE was being read (its consumer stops only after
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
      if (connectTimer != null) {
         connectTimer.cancel(false);
      }
      if (livenessTimer != null) {
         livenessTimer.cancel(false);
      }
      if (gns != null) {
         gns.close();
      }
      if (account != null && previous != State.OPEN) {
         runtime.closeSession(account.id());
         runtime.loggedOut(this);
      }
      if (gatewaySession != null) {
         runtime.closeGatewaySession(gatewaySession);
         gatewaySession = null;
      }
      if (previous == State.CONNECTED) {
         // An everyday event (a client restarting, a network drop): this line, not Artemis' session-failure WARNs.
         logger.info("CMPP session of '{}' from {} ended without TERMINATE: the connection closed{}", peerName(),
                     channel.remoteAddress(), writer.hasUnanswered()
                        ? "; its unanswered DELIVERs go back to the queue" : "");
      }
      stopSessions.closed(this);
      if (previous == State.TERMINATING && serverSession != null) {
         // The SP asked for the end: the broker session closes as a clean end, not as a failed connection (no
         // warning), putting back what is still unanswered; the failure below then finds nothing to close. (Closed
         // already before TERMINATE_RESP when every DELIVER was answered: a second close does nothing.)
         SmsRemotingConnection.closeOn(serverSession, brokerExecutor);
      }
      // The broker session is a failure listener of the connection: failing it puts unacknowledged DELIVERs back.
      // On the broker executor, after a stop or close queued there: the close waits for a hand-over in progress.
      connection.failOn(brokerExecutor, new ActiveMQException(ActiveMQExceptionType.REMOTE_DISCONNECT, "CMPP connection closed"));
   }

   // ---------------------------------------------------------------- DeliveryChannel (account queue → DELIVER)

   @Override
   public String accountId() {
      return account.id();
   }

   @Override
   public int nextSequence() {
      return outgoingSequence.incrementAndGet();
   }

   @Override
   public ByteBuf encodeDelivery(ICoreMessage message, int sequence, DeliveryChannel.Parts<ByteBuf> parts) {
      furtherParts.clear();
      Deliver deliver = deliverFactory.create(message, sequence, furtherParts);
      if (!furtherParts.isEmpty()) {
         return encodeParts(deliver, parts);
      }
      if (interceptors.vetoesOutgoing(deliver)) {
         return null;
      }
      // Encoded here, not by the pipeline: a field the codec refuses dead-letters the message instead of failing
      // the write, which would close the connection.
      ByteBuf encoded = DeliveryChannel.encode(deliver, deliverEncoder);
      if (deliver.registeredDelivery() != Deliver.STATUS_REPORT) {
         moInFlight.put(sequence, deliver.serviceId());
      }
      return encoded;
   }

   /** The parts of a long MO: all encoded before any is handed over, so a refused one dead-letters the whole MO. */
   private ByteBuf encodeParts(Deliver first, DeliveryChannel.Parts<ByteBuf> parts) {
      ByteBuf[] encoded;
      try {
         encoded = DeliveryChannel.encodeAll(first, furtherParts,
                                             part -> interceptors.vetoesOutgoing(part) ? null : DeliveryChannel.encode(part, deliverEncoder));
      } catch (RuntimeException e) {
         furtherParts.clear();
         throw e;
      }
      if (first.registeredDelivery() != Deliver.STATUS_REPORT) {
         moInFlight.put(first.sequenceId(), first.serviceId()); // one message, however many parts
      }
      for (int i = 1; i < encoded.length; i++) {
         Deliver part = furtherParts.get(i - 1);
         parts.add(part.sequenceId(), encoded[i]);
      }
      furtherParts.clear();
      return encoded[0];
   }

   @Override
   public void write(ByteBuf delivery) {
      writer.writeDelivery(delivery);
   }

   @Override
   public void resumeDeliveries() {
      writer.resumeDeliveries();
   }

   /** A route PDU to a GNS client. */
   @Override
   public void write(CmppPdu pdu) {
      send(pdu);
   }

   /**
    * Counts an MO for QUERY once, when it is finally settled: MO_Scs when the SP took it (every part), MO_FL when it went
    * to the dead-letter address; one put back to come again counts when it ends (reports are not MO).
    */
   @Override
   public void onMessageSettled(int sequence, Settlement settlement) {
      String moServiceId = moInFlight.remove(sequence);
      if (moServiceId != null && settlement != Settlement.PUT_BACK) {
         runtime.traffic().recordMo(account.id(), runtime.traffic().today(), moServiceId, settlement == Settlement.DELIVERED);
      }
   }

   @Override
   public boolean isWritable(ReadyListener listener) {
      return connection.isWritable(listener);
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
      logger.info("Closing CMPP connection of '{}': {}", peerName(), reason);
      channel.close();
   }
}
