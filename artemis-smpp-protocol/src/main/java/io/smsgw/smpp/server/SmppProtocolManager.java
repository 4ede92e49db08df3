package io.smsgw.smpp.server;

import java.util.List;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.smsgw.broker.AcceptorParameters;
import io.smsgw.broker.AbstractSmsProtocolManager;
import io.smsgw.broker.PduChannelHandler;
import io.smsgw.broker.PduFrameDecoder;
import io.smsgw.broker.SmsRemotingConnection;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppPduDecoder;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.BaseInterceptor;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyServerConnection;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.spi.core.protocol.AbstractProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.ConnectionEntry;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManagerFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.spi.core.remoting.Connection;

/**
 * One per acceptor with {@code protocols=SMPP}. Holds the acceptor's settings (URL parameters, set by
 * the broker through bean setters) and wires each new connection's Netty pipeline. Constructed for every
 * acceptor that enables SMPP, so the constructor stays free of side effects.
 */
public final class SmppProtocolManager extends AbstractSmsProtocolManager<SmppPdu, SmppInterceptor> {

   static final String HANDLER_NAME = "smpp-handler";
   static final int HEADER_LENGTH = 16;
   static final int MIN_MAX_PDU_SIZE = 1024;
   static final int SMPP_MAX_SYSTEM_ID = 15;
   /** Four times the largest window the benchmarks drive one connection with (1,000), so no well-behaved ESME meets it. */
   static final int DEFAULT_MAX_PENDING_REQUESTS = 4096;

   private final ActiveMQServer server;
   private final GatewayRuntime context;

   private int windowSize = 10;
   private int maxPduSize = 70_000;
   private long enquireLinkInterval = 30_000;
   private long connectionTtl = 90_000;
   private long bindTimeout = 30_000;
   private long responseTimeout = 30_000;
   /** Default 100 ms, as an SMSC link's throttle-pause. */
   private long throttlePause = 100;
   private long unbindDrainTimeout = 1_000;
   private long stopTimeout = 5_000;
   private String systemId = "SMSGW";
   private String submitAddress = SmsAddresses.MT;
   private String accountQueuePrefix = SmsAddresses.ACCOUNT_PREFIX;
   private SmsEncoding defaultAlphabet = SmsEncoding.GSM7;
   private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;

   SmppProtocolManager(SmppProtocolManagerFactory factory,
                       ActiveMQServer server,
                       GatewayRuntime context,
                       List<BaseInterceptor> incomingInterceptors,
                       List<BaseInterceptor> outgoingInterceptors) {
      super(factory, incomingInterceptors, outgoingInterceptors);
      this.server = server;
      this.context = context;
   }

   @Override
   public ConnectionEntry createConnectionEntry(Acceptor acceptorUsed, Connection transport) {
      // One ordered broker executor per connection: the session's broker work and the connection's failures run on it
      // in turn (SmsRemotingConnection.fail).
      SmsRemotingConnection connection = new SmsRemotingConnection(transport, SmppProtocolManagerFactory.PROTOCOL_NAME,
                                                                   server.getExecutorFactory().getExecutor());
      ConnectionEntry entry = new ConnectionEntry(connection, null, System.currentTimeMillis(), connectionTtl <= 0 ? -1 : connectionTtl);
      NettyServerConnection netty = (NettyServerConnection) transport;
      @SuppressWarnings("unchecked")
      PduChannelHandler<SmppPdu> handler = (PduChannelHandler<SmppPdu>) netty.getChannel().pipeline().get(HANDLER_NAME);
      SmppSession session = new SmppSession(this, server, context, connection, netty.getChannel(), handler);
      handler.attach(session);
      session.stopSessions().opened(session);
      return entry;
   }


   static final String FRAME_NAME = "smpp-frame";
   /**
    * The longest PDU taken before a bind is accepted: a bind is at most 98 bytes by the spec (the header, system_id 16,
    * password 9, system_type 13, three octets, address_range 41), enquire_link and generic_nack 16; rounded up for
    * clients that pad.
    */
   static final int MAX_BIND_PDU_SIZE = 512;

   /** Stateless: one for every connection. */
   private static final AnswerEncoder ENCODER = new AnswerEncoder();

   @Override
   public void addChannelHandlers(ChannelPipeline pipeline) {
      pipeline.addLast("flush-consolidation", PduChannelHandler.flushConsolidation());
      pipeline.addLast(FRAME_NAME, new PduFrameDecoder(SmppProtocolManagerFactory.PROTOCOL_NAME, HEADER_LENGTH, maxPduSize,
                                                         MAX_BIND_PDU_SIZE, this::loginPenalties));
      // Read as 3.3 (no TLVs) until a bind says 3.4 (SmppSession.onBind): nothing before a bind carries TLVs, and an
      // ESME that may bind as 3.3 must not be answered with a TLV status.
      pipeline.addLast("smpp-decoder", new SmppPduDecoder(false, false));
      pipeline.addLast("smpp-encoder", ENCODER);
      pipeline.addLast(HANDLER_NAME, new PduChannelHandler<>(SmppPdu.class, SmppProtocolManagerFactory.PROTOCOL_NAME, maxPendingRequests));
   }

   /**
    * Recognises the first PDU of an SMPP session on a shared acceptor: a plausible command_length and a
    * request command id. A dedicated acceptor takes every connection anyway (see acceptsNoHandshake).
    */
   @Override
   public boolean isProtocol(byte[] first8) {
      int length = ((first8[0] & 0xFF) << 24) | ((first8[1] & 0xFF) << 16) | ((first8[2] & 0xFF) << 8) | (first8[3] & 0xFF);
      int commandId = ((first8[4] & 0xFF) << 24) | ((first8[5] & 0xFF) << 16) | ((first8[6] & 0xFF) << 8) | (first8[7] & 0xFF);
      boolean bind = commandId == SmppCommandId.BIND_RECEIVER || commandId == SmppCommandId.BIND_TRANSMITTER
         || commandId == SmppCommandId.BIND_TRANSCEIVER;
      return bind && length >= 16 && length <= 512;
   }

   // Acceptor parameters (bean properties set by the broker from the acceptor URL).

   public int getSmppWindowSize() {
      return windowSize;
   }

   public void setSmppWindowSize(int windowSize) {
      this.windowSize = Math.max(1, windowSize);
   }

   public int getSmppMaxPduSize() {
      return maxPduSize;
   }

   public void setSmppMaxPduSize(int maxPduSize) {
      this.maxPduSize = Math.max(SmppProtocolManager.MIN_MAX_PDU_SIZE, maxPduSize);
   }

   public long getSmppEnquireLinkInterval() {
      return enquireLinkInterval;
   }

   @AcceptorParameters.Millis
   public void setSmppEnquireLinkInterval(long enquireLinkInterval) {
      this.enquireLinkInterval = enquireLinkInterval;
   }

   public long getSmppConnectionTtl() {
      return connectionTtl;
   }

   @AcceptorParameters.Millis
   public void setSmppConnectionTtl(long connectionTtl) {
      this.connectionTtl = connectionTtl;
   }

   public long getSmppBindTimeout() {
      return bindTimeout;
   }

   @AcceptorParameters.Millis
   public void setSmppBindTimeout(long bindTimeout) {
      this.bindTimeout = bindTimeout;
   }

   /**
    * How long a session sends no delivery after a deliver_sm_resp ESME_RTHROTTLED or ESME_RMSGQFUL, as an SMSC link's throttle-pause: doubled with each
    * further pause up to 32 times, back to this after 10 accepted answers in a row. 0 = no pause (the throttled
    * message is still put back without counting the attempt).
    */
   public long getSmppThrottlePause() {
      return throttlePause;
   }

   @AcceptorParameters.Millis
   public void setSmppThrottlePause(long throttlePause) {
      this.throttlePause = Math.max(0, throttlePause);
   }

   public long getSmppResponseTimeout() {
      return responseTimeout;
   }

   @AcceptorParameters.Millis
   public void setSmppResponseTimeout(long responseTimeout) {
      this.responseTimeout = Math.max(1, responseTimeout);
   }

   /**
    * How long a session the peer ends (unbind) waits for the answers to the deliveries it already has before it answers
    * the unbind, and again after that answer before it closes. The sessions wait at most the response timeout. 0 = no wait.
    */
   public long getSmppUnbindDrainTimeout() {
      return unbindDrainTimeout;
   }

   @AcceptorParameters.Millis
   public void setSmppUnbindDrainTimeout(long drainTimeout) {
      this.unbindDrainTimeout = Math.max(0, drainTimeout);
   }

   /**
    * How long a broker stop waits for the SMPP sessions to end (the deliveries written answered, then unbind and
    * unbind_resp) before it closes them; one bound for all sessions of the broker, the longest of its acceptors'. 0 =
    * close at once, as before.
    */
   public long getSmppStopTimeout() {
      return stopTimeout;
   }

   @AcceptorParameters.Millis
   public void setSmppStopTimeout(long stopTimeout) {
      this.stopTimeout = Math.max(0, stopTimeout);
   }

   /** Tests only: the sequence_number new sessions count on from (their first request gets the next one). */
   private volatile int lastSequenceBeforeFirst;

   int lastSequenceBeforeFirst() {
      return lastSequenceBeforeFirst;
   }

   /** Tests only, to reach the wrap after 0x7FFFFFFF without sending two billion PDUs first. */
   void startSequencesAfter(int last) {
      this.lastSequenceBeforeFirst = last;
   }

   public String getSmppSystemId() {
      return systemId;
   }

   public void setSmppSystemId(String systemId) {
      // Every bind_resp carries it: one that does not fit made each bind fail with generic_nack ESME_RSYSERR.
      if (systemId.length() > SMPP_MAX_SYSTEM_ID) {
         throw new IllegalArgumentException("smppSystemId must be at most " + SMPP_MAX_SYSTEM_ID
            + " characters (SMPP system_id, a C-Octet String of 16 octets with its NUL), got " + systemId.length());
      }
      this.systemId = systemId;
   }

   public String getSmppSubmitAddress() {
      return submitAddress;
   }

   public void setSmppSubmitAddress(String submitAddress) {
      this.submitAddress = submitAddress;
   }

   public String getSmppAccountQueuePrefix() {
      return accountQueuePrefix;
   }

   public void setSmppAccountQueuePrefix(String accountQueuePrefix) {
      this.accountQueuePrefix = accountQueuePrefix;
   }

   /**
    * Requests a session has taken and not answered yet (submits waiting for the journal, query_sm, cancel_sm and
    * replace_sm waiting for the broker) at which the connection stops reading; it reads again at half.
    */
   public int getSmppMaxPendingRequests() {
      return maxPendingRequests;
   }

   public void setSmppMaxPendingRequests(int maxPendingRequests) {
      this.maxPendingRequests = Math.max(1, maxPendingRequests);
   }

   /**
    * How text with data_coding 0 ("SMSC default alphabet") is read and written: GSM7 (unpacked, the
    * default), ASCII or LATIN1, for ESMEs that send plain ASCII/Latin-1 octets with data_coding 0.
    */
   public String getSmppDefaultAlphabet() {
      return defaultAlphabet.name();
   }

   public void setSmppDefaultAlphabet(String alphabet) {
      SmsEncoding encoding = switch (alphabet.trim().toUpperCase(java.util.Locale.ROOT)) {
         case "GSM7" -> SmsEncoding.GSM7;
         case "ASCII" -> SmsEncoding.ASCII;
         case "LATIN1" -> SmsEncoding.LATIN1;
         default -> throw new IllegalArgumentException("smppDefaultAlphabet must be GSM7, ASCII or LATIN1 (any case), got " + alphabet);
      };
      this.defaultAlphabet = encoding;
   }

   SmsEncoding defaultAlphabet() {
      return defaultAlphabet;
   }

   /** Failed logins from one address (or for one account) answered at once; further ones get a penalty. 0 = no penalties. */
   public int getSmppAuthFailureLimit() {
      return authFailureLimit();
   }

   public void setSmppAuthFailureLimit(int authFailureLimit) {
      authFailureLimit(authFailureLimit);
   }

   /** Failures less than this apart count together; the longest penalty. */
   public long getSmppAuthFailureWindow() {
      return authFailureWindow();
   }

   @AcceptorParameters.Millis
   public void setSmppAuthFailureWindow(long authFailureWindow) {
      authFailureWindow(authFailureWindow);
   }

   /** The first penalty; it doubles with each further failure, up to the window. */
   public long getSmppAuthFailureDelay() {
      return authFailureDelay();
   }

   @AcceptorParameters.Millis
   public void setSmppAuthFailureDelay(long authFailureDelay) {
      authFailureDelay(authFailureDelay);
   }

   /**
    * Connections from one client address (an IPv6 client's /64) that have not bound yet, at most; a further one is closed
    * at once and counts as a failed bind of the address. 0 = no limit.
    */
   public int getSmppMaxUnboundPerAddress() {
      return maxPreLoginPerAddress();
   }

   public void setSmppMaxUnboundPerAddress(int max) {
      maxPreLoginPerAddress(max);
   }

   /** Logins this acceptor refused late or unchecked because of failed-login penalties (for operators and tests). */
   public long getSmppAuthFailuresPenalized() {
      return authFailuresPenalized();
   }

   /**
    * Forgets every failed-login count and penalty of this acceptor, so a client locked out by a misconfiguration (or
    * the clients behind its NAT address) is checked again at once. For embedding code: operators have the acceptor's
    * management bean (LoginPenaltiesControl), which also clears one address or account; a restart forgets them too.
    */
   public void clearSmppAuthFailurePenalties() {
      clearAuthFailurePenalties();
   }

   @Override
   protected String protocolName() {
      return SmppProtocolManagerFactory.PROTOCOL_NAME;
   }
}
