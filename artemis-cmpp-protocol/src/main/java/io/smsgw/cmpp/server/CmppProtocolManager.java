package io.smsgw.cmpp.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.channel.ChannelPipeline;
import io.smsgw.broker.AcceptorParameters;
import io.smsgw.broker.AbstractSmsProtocolManager;
import io.smsgw.broker.PduChannelHandler;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.broker.SmsRemotingConnection;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppCommandId;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppPduDecoder;
import io.smsgw.cmpp.codec.CmppPduEncoder;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.routing.RoutingHandler;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.ConnectionEntry;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

/**
 * One per acceptor with {@code protocols=CMPP}: the gateway in the ISMG role for SPs. Holds the acceptor's
 * settings (URL parameters, set through bean setters) and wires each connection's Netty pipeline. Created
 * for every acceptor that enables CMPP, so the constructor has no side effects.
 */
public final class CmppProtocolManager extends AbstractSmsProtocolManager<CmppPdu, CmppInterceptor> {

   static final String HANDLER_NAME = "cmpp-handler";
   static final String DECODER_NAME = "cmpp-decoder";
   static final String ENCODER_NAME = "cmpp-encoder";
   static final int MIN_MAX_PDU_SIZE = 512;
   /** CONNECT is 39 bytes in every version. */
   private static final int CONNECT_LENGTH = 39;
   /** Four times the largest window the benchmarks drive one connection with (1,000), so no well-behaved SP meets it. */
   static final int DEFAULT_MAX_PENDING_REQUESTS = 4096;

   private final ActiveMQServer server;
   private final GatewayRuntime runtime;

   private int windowSize = 16;
   private int maxPduSize = 8192;
   private long activeTestInterval = 180_000;
   private long responseTimeout = 60_000;
   /** Default 100 ms, as an SMSC link's throttle-pause. */
   private long throttlePause = 100;
   private long terminateDrainTimeout = 1_000;
   private long stopTimeout = 5_000;
   private int activeTestRetries = 3;
   private long connectTimeout = 30_000;
   private long connectTimeSkew = 900;
   /** The JVM's zone unless cmppTimeZone says otherwise (decision in docs/decisions.md: backward compatible). */
   private java.time.ZoneId timeZone = java.time.ZoneId.systemDefault();
   private boolean connectReplayCheck;
   private int highestVersion = CmppVersion.V30.code();
   private String submitAddress = SmsAddresses.MT;
   private String accountQueuePrefix = SmsAddresses.ACCOUNT_PREFIX;
   private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
   private boolean acceptPeers;
   /** QUERY's MO_WT: one walk of an SP's queue answers its QUERYs for a few seconds. */
   private final WaitingMo waitingMo = new WaitingMo();

   CmppProtocolManager(CmppProtocolManagerFactory factory, ActiveMQServer server, GatewayRuntime runtime,
                       List<BaseInterceptor> incomingInterceptors, List<BaseInterceptor> outgoingInterceptors) {
      super(factory, incomingInterceptors, outgoingInterceptors);
      this.server = server;
      this.runtime = runtime;
   }

   WaitingMo waitingMo() {
      return waitingMo;
   }

   @Override
   public ConnectionEntry createConnectionEntry(Acceptor acceptorUsed, Connection transport) {
      // One ordered broker executor per connection: the session's broker work and the connection's failures run on it
      // in turn (SmsRemotingConnection.fail).
      SmsRemotingConnection connection = new SmsRemotingConnection(transport, CmppProtocolManagerFactory.PROTOCOL_NAME,
                                                                   server.getExecutorFactory().getExecutor());
      // Liveness is CMPP's own business (ACTIVE_TEST, C/T/N); the broker's TTL only backs it up.
      long ttl = activeTestInterval <= 0 ? -1 : activeTestInterval + responseTimeout * (activeTestRetries + 1);
      ConnectionEntry entry = new ConnectionEntry(connection, null, System.currentTimeMillis(), ttl);
      NettyServerConnection netty = (NettyServerConnection) transport;
      ChannelPipeline pipeline = netty.getChannel().pipeline();
      @SuppressWarnings("unchecked")
      PduChannelHandler<CmppPdu> handler = (PduChannelHandler<CmppPdu>) pipeline.get(HANDLER_NAME);
      CmppSession session = new CmppSession(this, server, runtime, connection, netty.getChannel(),
                                            (CmppPduDecoder) pipeline.get(DECODER_NAME), (CmppPduEncoder) pipeline.get(ENCODER_NAME), handler);
      handler.attach(session);
      session.stopSessions().opened(session);
      return entry;
   }

   static final String FRAME_NAME = "cmpp-frame";
   /**
    * The longest PDU taken before a CONNECT is accepted: a CONNECT is 39 bytes in 2.0 and 3.0, ACTIVE_TEST and
    * TERMINATE 12; with room for a client that pads.
    */
   static final int MAX_CONNECT_PDU_SIZE = 64;

   @Override
   public void addChannelHandlers(ChannelPipeline pipeline) {
      pipeline.addLast("flush-consolidation", PduChannelHandler.flushConsolidation());
      pipeline.addLast(FRAME_NAME, new PduFrameDecoder(CmppProtocolManagerFactory.PROTOCOL_NAME, CmppCodec.HEADER_LENGTH, maxPduSize,
                                                         MAX_CONNECT_PDU_SIZE, this::loginPenalties));
      pipeline.addLast(DECODER_NAME, new CmppPduDecoder());
      pipeline.addLast(ENCODER_NAME, new CmppPduEncoder());
      pipeline.addLast(HANDLER_NAME, new PduChannelHandler<>(CmppPdu.class, CmppProtocolManagerFactory.PROTOCOL_NAME, maxPendingRequests));
   }

   /** The first PDU of a CMPP session is CONNECT: Total_Length 39 and Command_Id 1, in every version. */
   @Override
   public boolean isProtocol(byte[] first8) {
      int length = ((first8[0] & 0xFF) << 24) | ((first8[1] & 0xFF) << 16) | ((first8[2] & 0xFF) << 8) | (first8[3] & 0xFF);
      int commandId = ((first8[4] & 0xFF) << 24) | ((first8[5] & 0xFF) << 16) | ((first8[6] & 0xFF) << 8) | (first8[7] & 0xFF);
      return length == CONNECT_LENGTH && commandId == CmppCommandId.CONNECT;
   }

   // Acceptor parameters (bean properties set by the broker from the acceptor URL).

   /**
    * SUBMITs, CANCELs and FWDs a connection has sent and not had answered yet at which it is no longer read from;
    * reading starts again at half.
    */
   public int getCmppMaxPendingRequests() {
      return maxPendingRequests;
   }

   public void setCmppMaxPendingRequests(int maxPendingRequests) {
      this.maxPendingRequests = Math.max(1, maxPendingRequests);
   }

   /** W: DELIVERs in flight per connection (spec default 16). */
   public int getCmppWindowSize() {
      return windowSize;
   }

   public void setCmppWindowSize(int windowSize) {
      this.windowSize = Math.max(1, windowSize);
   }

   public int getCmppMaxPduSize() {
      return maxPduSize;
   }

   public void setCmppMaxPduSize(int maxPduSize) {
      this.maxPduSize = Math.max(MIN_MAX_PDU_SIZE, maxPduSize);
   }

   /** C: idle time in ms before the gateway sends ACTIVE_TEST (spec 180 s; 0 = never). */
   public long getCmppActiveTestInterval() {
      return activeTestInterval;
   }

   @AcceptorParameters.Millis
   public void setCmppActiveTestInterval(long activeTestInterval) {
      this.activeTestInterval = activeTestInterval;
   }

   /** T: ms to wait for a response (ACTIVE_TEST_RESP, DELIVER_RESP) before retrying or putting back (spec 60 s). */
   /**
    * How long a session sends no delivery after a DELIVER_RESP Result 8 (flow control), as an SMSC link's throttle-pause: doubled with each
    * further pause up to 32 times, back to this after 10 accepted answers in a row. 0 = no pause (the throttled
    * message is still put back without counting the attempt).
    */
   public long getCmppThrottlePause() {
      return throttlePause;
   }

   @AcceptorParameters.Millis
   public void setCmppThrottlePause(long throttlePause) {
      this.throttlePause = Math.max(0, throttlePause);
   }

   public long getCmppResponseTimeout() {
      return responseTimeout;
   }

   @AcceptorParameters.Millis
   public void setCmppResponseTimeout(long responseTimeout) {
      this.responseTimeout = Math.max(1, responseTimeout);
   }

   /**
    * How long a session the peer ends (TERMINATE) waits for the answers to the deliveries it already has before it answers
    * the TERMINATE, and again after that answer before it closes. The sessions wait at most the response timeout. 0 = no wait.
    */
   public long getCmppTerminateDrainTimeout() {
      return terminateDrainTimeout;
   }

   @AcceptorParameters.Millis
   public void setCmppTerminateDrainTimeout(long drainTimeout) {
      this.terminateDrainTimeout = Math.max(0, drainTimeout);
   }

   /**
    * How long a broker stop waits for the CMPP sessions to end (the DELIVERs written answered, then TERMINATE and
    * TERMINATE_RESP) before it closes them; one bound for all sessions of the broker, the longest of its acceptors'.
    * 0 = close at once, as before.
    */
   public long getCmppStopTimeout() {
      return stopTimeout;
   }

   @AcceptorParameters.Millis
   public void setCmppStopTimeout(long stopTimeout) {
      this.stopTimeout = Math.max(0, stopTimeout);
   }

   /** N: unanswered ACTIVE_TESTs after which the connection is closed (spec 3). */
   public int getCmppActiveTestRetries() {
      return activeTestRetries;
   }

   public void setCmppActiveTestRetries(int activeTestRetries) {
      this.activeTestRetries = Math.max(1, activeTestRetries);
   }

   /** ms a client has to send a successful CONNECT after opening the socket. */
   public long getCmppConnectTimeout() {
      return connectTimeout;
   }

   @AcceptorParameters.Millis
   public void setCmppConnectTimeout(long connectTimeout) {
      this.connectTimeout = connectTimeout;
   }

   /**
    * Seconds (the parameter also takes a unit: 15m, 900s) a CONNECT's Timestamp may be off the gateway's clock, either way, and the time an accepted CONNECT is
    * remembered so that the same one sent again is refused (Status 3). 0 turns both checks off, for clients that send
    * no clock: their CONNECTs can then be replayed.
    */
   public long getCmppConnectTimeSkew() {
      return connectTimeSkew;
   }

   @AcceptorParameters.Seconds
   public void setCmppConnectTimeSkew(long connectTimeSkew) {
      this.connectTimeSkew = Math.max(0, connectTimeSkew);
   }

   /**
    * The zone of CMPP's local times on this acceptor: the CONNECT Timestamp it checks, the Submit_time / Done_time of
    * the status reports it delivers and of the FWDs it takes. CMPP peers write Beijing time (Asia/Shanghai); unset, the
    * JVM's zone.
    */
   public String getCmppTimeZone() {
      return timeZone.getId();
   }

   public void setCmppTimeZone(String zone) {
      this.timeZone = CmppZone.parse(zone);
   }

   java.time.ZoneId timeZone() {
      return timeZone;
   }

   /**
    * Whether an SP's CONNECT repeating the Timestamp and authenticator of one accepted within cmppConnectTimeSkew is
    * refused as a replay (Status 3). Off by default: CMPP's authenticator changes only once a second, so an SP client
    * opening several connections in one second (SMSGate with several channels, most clients at start-up) looks like
    * a replay. Peer and tandem gateways' CONNECTs are always checked (the project's own clients space their Timestamps).
    */
   public boolean isCmppConnectReplayCheck() {
      return connectReplayCheck;
   }

   public void setCmppConnectReplayCheck(boolean connectReplayCheck) {
      this.connectReplayCheck = connectReplayCheck;
   }

   /**
    * The {@code cmppVersion} parameter as text ({@code 0x30} or {@code 0x20}). Getter and setter share the type
    * String: with an int getter the property had no setter the broker could find, and the parameter was ignored.
    */
   public String getCmppVersion() {
      return "0x" + Integer.toHexString(highestVersion);
   }

   /** Highest version this acceptor speaks and reports in CONNECT_RESP: 0x30 (default) or 0x20. */
   int highestVersion() {
      return highestVersion;
   }

   public void setCmppVersion(String version) {
      String v = version.trim().toLowerCase(java.util.Locale.ROOT);
      int code;
      try {
         code = v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : v.contains(".") ? (int) (Double.parseDouble(v) * 16) : Integer.parseInt(v, 16);
      } catch (NumberFormatException e) {
         code = -1; // said below with the allowed values, not as a bare NumberFormatException
      }
      if (code != CmppVersion.V20.code() && code != CmppVersion.V30.code()) {
         throw new IllegalArgumentException("cmppVersion must be 0x30 (CMPP 3.0, the default) or 0x20 (CMPP 2.0), also written 3.0 or 2.0, got " + version);
      }
      this.highestVersion = code;
   }

   public String getCmppSubmitAddress() {
      return submitAddress;
   }

   public void setCmppSubmitAddress(String submitAddress) {
      this.submitAddress = submitAddress;
   }

   /**
    * Whether CONNECTs of other gateways (configured peers opening FWD sessions, and on a tandem the gateways of
    * its directory opening GNS sessions) are taken here. Off by default: an SP-facing acceptor then refuses them,
    * and only the gateway-to-gateway acceptor (7930 by convention) is given {@code cmppAcceptPeers=true}.
    */
   public boolean isCmppAcceptPeers() {
      return acceptPeers;
   }

   public void setCmppAcceptPeers(boolean acceptPeers) {
      this.acceptPeers = acceptPeers;
   }

   public String getCmppAccountQueuePrefix() {
      return accountQueuePrefix;
   }

   public void setCmppAccountQueuePrefix(String accountQueuePrefix) {
      this.accountQueuePrefix = accountQueuePrefix;
   }

   /**
    * Connections from one client address (an IPv6 client's /64) that have not connected (CMPP CONNECT) yet, at most; a
    * further one is closed at once and counts as a failed CONNECT of the address. 0 = no limit.
    */
   public int getCmppMaxUnconnectedPerAddress() {
      return maxPreLoginPerAddress();
   }

   public void setCmppMaxUnconnectedPerAddress(int max) {
      maxPreLoginPerAddress(max);
   }

   /** Failed logins from one address (or for one account) answered at once; further ones get a penalty. 0 = no penalties. */
   public int getCmppAuthFailureLimit() {
      return authFailureLimit();
   }

   public void setCmppAuthFailureLimit(int authFailureLimit) {
      authFailureLimit(authFailureLimit);
   }

   /** Failures less than this apart count together; the longest penalty. */
   public long getCmppAuthFailureWindow() {
      return authFailureWindow();
   }

   @AcceptorParameters.Millis
   public void setCmppAuthFailureWindow(long authFailureWindow) {
      authFailureWindow(authFailureWindow);
   }

   /** The first penalty; it doubles with each further failure, up to the window. */
   public long getCmppAuthFailureDelay() {
      return authFailureDelay();
   }

   @AcceptorParameters.Millis
   public void setCmppAuthFailureDelay(long authFailureDelay) {
      authFailureDelay(authFailureDelay);
   }

   /** Logins this acceptor refused late or unchecked because of failed-login penalties (for operators and tests). */
   public long getCmppAuthFailuresPenalized() {
      return authFailuresPenalized();
   }

   /**
    * Forgets every failed-login count and penalty of this acceptor, so a client locked out by a misconfiguration (or
    * the clients behind its NAT address) is checked again at once. For embedding code: operators have the acceptor's
    * management bean (LoginPenaltiesControl), which also clears one address or account; a restart forgets them too.
    */
   public void clearCmppAuthFailurePenalties() {
      clearAuthFailurePenalties();
   }

   @Override
   protected String protocolName() {
      return CmppProtocolManagerFactory.PROTOCOL_NAME;
   }
}
