package io.smsgw.smpp.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.testing.FreePorts;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;

/**
 * An SMPP 3.4 SMSC built from jSMPP's server side: accepts binds, answers submit_sm with its own ids (or
 * throttles the first N), records what it got, and sends receipts with the 3.4 TLVs and MO on demand.
 */
public final class JsmppSmsc implements AutoCloseable {

   /** A submit_sm as the SMSC saw it, with the id it answered. */
   public record Received(String messageId, String destination, String source, int dataCoding, byte[] shortMessage, byte esmClass,
                          OptionalParameter[] tlvs, long receivedNanos, int registeredDelivery) {
      /** A submit known by its id and addresses only, to send a receipt for. */
      public Received(String messageId, String destination, String source, int dataCoding, byte[] shortMessage, byte esmClass) {
         this(messageId, destination, source, dataCoding, shortMessage, esmClass, new OptionalParameter[0], 0, 0);
      }

      /** The value of the TLV with this tag as a number, or -1 when the submit_sm had none. */
      public int tlv(OptionalParameter.Tag tag) {
         for (OptionalParameter p : tlvs) {
            if (p.tag == tag.code()) {
               if (p instanceof OptionalParameter.Byte b) {
                  return b.getValue() & 0xFF;
               }
               if (p instanceof OptionalParameter.Short v) {
                  return v.getValue() & 0xFFFF;
               }
               throw new IllegalArgumentException(tag + " is not a number");
            }
         }
         return -1;
      }
   }

   public final BlockingQueue<Received> submits = new LinkedBlockingQueue<>();
   public final AtomicInteger throttleNext = new AtomicInteger();
   /** The destination of every submit_sm in the order it arrived, those throttled or refused included. */
   public final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
   /**
    * The same submit_sm with their sequence numbers: the order the link wrote them in. jSMPP hands PDUs read one after
    * the other to its processor threads, so {@link #arrivals} may list two submit_sm sent together in either order.
    */
   public final BlockingQueue<Arrival> sequencedArrivals = new LinkedBlockingQueue<>();

   /** A submit_sm's sequence number and destination. */
   public record Arrival(int sequenceNumber, String destination) {
   }
   /** When non-zero, every submit_sm is refused with this status. */
   public final AtomicInteger refuseWith = new AtomicInteger();
   public final AtomicInteger binds = new AtomicInteger();
   /** When set, binds of this type are refused with ESME_RBINDFAIL (and counted in {@link #bindsRefused}). */
   public volatile org.jsmpp.bean.BindType refuseBind;
   public final AtomicInteger bindsRefused = new AtomicInteger();
   /** When set, a bind is accepted (and counted in {@link #binds}) and its connection closed at once: a flapping SMSC. */
   public volatile boolean dropAfterBind;
   /**
    * When non-zero, the SMSC sends the DELIVRD receipt of a submit_sm this many times, each after the previous
    * deliver_sm_resp, before answering the submit_sm: the receipts reach the gateway before the MT's
    * correlation record can exist.
    */
   public final AtomicInteger receiptsBeforeResponse = new AtomicInteger();
   /** MO (from, to, text) the SMSC sends on the next session as soon as it is bound, before anything else. */
   public final BlockingQueue<String[]> moOnBind = new LinkedBlockingQueue<>();
   /**
    * When set, a submit_sm is recorded in {@link #submits} at once but answered only once the latch is open (at most
    * 30 s): the part stays in flight at the gateway meanwhile.
    */
   public volatile java.util.concurrent.CountDownLatch holdResponses;
   /**
    * When set, a submit_sm to this destination is recorded in {@link #dropped} and never answered: the SMSC loses it.
    * The session goes on answering everything else (enquire_link included).
    */
   public volatile String dropFor;
   public final BlockingQueue<Received> dropped = new LinkedBlockingQueue<>();
   /** How long a session waits for the gateway's answer to its deliver_sm (from the next bind on). */
   public volatile long responseTimeoutMillis = 10_000;
   /**
    * The sc_interface_version binds are answered with (from the next bind on): null echoes the bind's own
    * interface_version, as jSMPP does; see {@link #answerWithoutVersion}.
    */
   public volatile org.jsmpp.bean.InterfaceVersion answerVersion;
   /** When set, binds are answered without sc_interface_version, as an SMSC that takes no TLVs does. */
   public volatile boolean answerWithoutVersion;
   /** MO the gateway answered with deliver_sm_resp ESME_ROK. */
   public final AtomicInteger mosAnswered = new AtomicInteger();
   private final int port;
   private final SMPPServerSessionListener listener;
   private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
   private final AtomicInteger ids = new AtomicInteger(0x5000);
   /** The session each submit_sm came on, by the id it was answered with. */
   private final java.util.Map<String, SMPPServerSession> submittedOn = new java.util.concurrent.ConcurrentHashMap<>();
   private final Thread acceptor;
   private volatile boolean closed;

   public JsmppSmsc(int port) throws IOException {
      this(port, null);
   }

   /** An SMSC that speaks TLS with the given server context (null: plain TCP). */
   public JsmppSmsc(int port, javax.net.ssl.SSLContext tls) throws IOException {
      this(port, tls, false);
   }

   /**
    * An SMSC that speaks TLS with the given server context and, with {@code needClientAuth}, completes no handshake
    * with a client that presents no certificate its context trusts (mutual TLS, as carriers ask for).
    */
   public JsmppSmsc(int port, javax.net.ssl.SSLContext tls, boolean needClientAuth) throws IOException {
      this.port = port;
      listener = listen(port, tls, needClientAuth);
      listener.setMessageReceiverListener(new Receiver());
      listener.setPduProcessorDegree(8); // submit_sm held by dropFor or holdResponses leave threads for the rest
      acceptor = new Thread(this::acceptLoop, "jsmpp-smsc-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
   }

   /**
    * Server sockets with SO_REUSEADDR, so an SMSC can come back on its port while connections of the one
    * before it are still in TIME_WAIT (the "SMSC goes away and comes back" case).
    */
   private static final class ReusableServerSockets implements org.jsmpp.session.connection.ServerConnectionFactory {
      private final javax.net.ssl.SSLContext tls;
      private final boolean needClientAuth;

      ReusableServerSockets(javax.net.ssl.SSLContext tls, boolean needClientAuth) {
         this.tls = tls;
         this.needClientAuth = needClientAuth;
      }

      @Override
      public org.jsmpp.session.connection.ServerConnection listen(int port) throws IOException {
         return listen(port, 0, 50);
      }

      @Override
      public org.jsmpp.session.connection.ServerConnection listen(int port, int timeout) throws IOException {
         return listen(port, timeout, 50);
      }

      @Override
      public org.jsmpp.session.connection.ServerConnection listen(int port, int timeout, int backlog) throws IOException {
         ServerSocket socket = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
         if (needClientAuth) {
            ((javax.net.ssl.SSLServerSocket) socket).setNeedClientAuth(true);
         }
         socket.setReuseAddress(true);
         socket.bind(new java.net.InetSocketAddress(port), backlog);
         socket.setSoTimeout(timeout);
         return new org.jsmpp.session.connection.socket.ServerSocketConnection(socket);
      }
   }

   /**
    * A free port below the ephemeral range, so that no port-0 acceptor or outgoing connection of the test
    * takes it between now and the (re)start of the SMSC on it.
    */
   /** Binds the port, retrying for a few seconds while a connection of a previous SMSC still holds it. */
   private static SMPPServerSessionListener listen(int port, javax.net.ssl.SSLContext tls, boolean needClientAuth) throws IOException {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (true) {
         try {
            return new SMPPServerSessionListener(port, new ReusableServerSockets(tls, needClientAuth));
         } catch (java.net.BindException e) {
            if (System.nanoTime() > deadline) {
               throw e;
            }
            try {
               Thread.sleep(50); // a poll interval while the port frees, not a synchronisation
            } catch (InterruptedException interrupted) {
               Thread.currentThread().interrupt();
               throw e;
            }
         }
      }
   }

   /**
    * A port free now, in 20000-29999, and never one handed out before in this JVM ({@link FreePorts}): a test network
    * picks all its ports before its brokers bind them, and a port picked twice made the second acceptor fail to bind
    * and its gateway never start.
    */
   public static int freePort() throws IOException {
      return FreePorts.pick();
   }

   public int port() {
      return port;
   }

   private void acceptLoop() {
      while (!closed) {
         try {
            SMPPServerSession session = listener.accept();
            session.setTransactionTimer(responseTimeoutMillis);
            BindRequest bind = session.waitForBind(5000);
            if (bind.getBindType() == refuseBind) {
               bind.reject(0x0D); // ESME_RBINDFAIL
               bindsRefused.incrementAndGet();
               continue;
            }
            bind.accept("SIMSMSC", answerWithoutVersion ? null : answerVersion != null ? answerVersion : bind.getInterfaceVersion());
            binds.incrementAndGet();
            if (dropAfterBind) {
               session.close();
               continue;
            }
            sessions.add(session);
            for (String[] mo = moOnBind.poll(); mo != null; mo = moOnBind.poll()) {
               deliverMo(session, mo[0], mo[1], mo[2]); // returns once deliver_sm_resp said ESME_ROK
               mosAnswered.incrementAndGet();
            }
         } catch (Exception e) {
            if (closed) {
               return;
            }
         }
      }
   }

   public boolean hasBoundSession() {
      return sessions.stream().anyMatch(s -> s.getSessionState().isBound());
   }

   /** A receipt with the text and the 3.4 TLVs (receipted_message_id, message_state). */
   public void sendReceipt(Received submit, DeliveryReceiptState state, MessageState messageState) throws Exception {
      sendReceipt(submit, submit.messageId(), state, messageState);
   }

   /** Bound sessions that can receive a deliver_sm right now. */
   public int receivableSessions() {
      return (int) sessions.stream().filter(s -> s.getSessionState().isReceivable()).count();
   }

   /**
    * A receipt as {@link #sendReceipt(Received, DeliveryReceiptState, MessageState)}, on a bound session other than
    * the one its submit_sm came on: as an SMSC hands an account's receipts to any bind of that account.
    */
   public void sendReceiptOnOtherSession(Received submit, DeliveryReceiptState state, MessageState messageState) throws Exception {
      SMPPServerSession came = submittedOn.get(submit.messageId());
      SMPPServerSession other = sessions.stream().filter(s -> s != came && s.getSessionState().isReceivable()).findFirst()
         .orElseThrow(() -> new IllegalStateException("no other bound receiver"));
      deliverReceipt(other, submit, submit.messageId(), state, messageState);
   }

   /** A receipt whose text writes the id as {@code textId} (another base, say); the TLV keeps the submit_sm_resp id. */
   public void sendReceipt(Received submit, String textId, DeliveryReceiptState state, MessageState messageState) throws Exception {
      deliverReceipt(session(), submit, textId, state, messageState);
   }

   private static void deliverReceipt(SMPPServerSession session, Received submit, String textId, DeliveryReceiptState state,
                                      MessageState messageState) throws Exception {
      String text = new DeliveryReceipt(textId, 1, state == DeliveryReceiptState.DELIVRD ? 1 : 0,
         new java.util.Date(), new java.util.Date(), state, "000", "").toString();
      session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.destination(),
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.source(),
         new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
         new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), text.getBytes(StandardCharsets.US_ASCII),
         new OptionalParameter.Receipted_message_id(submit.messageId()),
         new OptionalParameter.Message_state(messageState.value()));
   }

   /** An intermediate delivery notification (esm_class 0x20) whose text carries {@code stat}, as some SMSCs word it. */
   public void sendIntermediateNotification(Received submit, String stat) throws Exception {
      String now = new java.text.SimpleDateFormat("yyMMddHHmm").format(new java.util.Date());
      String text = "id:" + submit.messageId() + " sub:001 dlvrd:000 submit date:" + now + " done date:" + now
         + " stat:" + stat + " err:000 text:";
      session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.destination(),
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.source(),
         new ESMClass(MessageMode.DEFAULT, MessageType.INTER_DEL_NOTIF, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
         new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), text.getBytes(StandardCharsets.US_ASCII),
         new OptionalParameter.Receipted_message_id(submit.messageId()));
   }

   /** A receipt flagged as one (esm_class 0x04) whose text is exactly {@code text}, with no TLVs: as 3.3 SMSCs send it. */
   public void sendReceiptText(Received submit, String text) throws Exception {
      session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.destination(),
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.source(),
         new ESMClass(MessageMode.DEFAULT, MessageType.SMSC_DEL_RECEIPT, GSMSpecificFeature.DEFAULT), (byte) 0, (byte) 0,
         new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), text.getBytes(StandardCharsets.US_ASCII));
   }

   /**
    * A receipt as some SMSCs send it: esm_class 0, as if it were an MO, with the Appendix B text and the given TLVs
    * (receipted_message_id, say, or none).
    */
   public void sendReceiptAsDefaultMessage(Received submit, String text, OptionalParameter... tlvs) throws Exception {
      session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.destination(),
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, submit.source(), new ESMClass(), (byte) 0, (byte) 0,
         new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), text.getBytes(StandardCharsets.US_ASCII), tlvs);
   }

   /** A message of the default type (esm_class 0) with these TONs (NPI ISDN): an MO, or a receipt some SMSCs send so. */
   public void sendDefaultMessage(TypeOfNumber fromTon, String from, TypeOfNumber toTon, String to, String text)
         throws Exception {
      session().deliverShortMessage("", fromTon, NumberingPlanIndicator.ISDN, from, toTon, NumberingPlanIndicator.ISDN, to,
         new ESMClass(), (byte) 0, (byte) 0, new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT),
         text.getBytes(StandardCharsets.US_ASCII));
   }

   public void sendMo(String from, String to, String text, OptionalParameter... tlvs) throws Exception {
      deliverMo(session(), from, to, text, tlvs);
   }

   /** An MO with this data_coding and these octets (a UDH first when {@code udhi}). */
   public void sendMo(String from, String to, int dataCoding, byte[] shortMessage, boolean udhi) throws Exception {
      session().deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to,
         new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, udhi ? GSMSpecificFeature.UDHI : GSMSpecificFeature.DEFAULT),
         (byte) 0, (byte) 0, new RegisteredDelivery(0), org.jsmpp.bean.DataCodings.newInstance((byte) dataCoding), shortMessage);
   }

   private static void deliverMo(SMPPServerSession session, String from, String to, String text, OptionalParameter... tlvs)
         throws Exception {
      session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to, new ESMClass(), (byte) 0, (byte) 0,
         new RegisteredDelivery(0), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), text.getBytes(StandardCharsets.US_ASCII), tlvs);
   }

   private SMPPServerSession session() {
      return sessions.stream().filter(s -> s.getSessionState().isReceivable()).reduce((a, b) -> b)
         .orElseThrow(() -> new IllegalStateException("no bound receiver"));
   }

   @Override
   public void close() throws IOException {
      closed = true;
      listener.close(); // no new connections first, then end the bound sessions
      for (SMPPServerSession session : sessions) {
         session.close();
      }
   }

   private final class Receiver implements ServerMessageReceiverListener {
      @Override
      public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
         arrivals.add(submitSm.getDestAddress());
         sequencedArrivals.add(new Arrival(submitSm.getSequenceNumber(), submitSm.getDestAddress()));
         if (refuseWith.get() != 0) {
            throw new ProcessRequestException("refused", refuseWith.get());
         }
         if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new ProcessRequestException("throttled", 0x58);
         }
         if (submitSm.getDestAddress().equals(dropFor)) {
            dropped.add(new Received("", submitSm.getDestAddress(), submitSm.getSourceAddr(), submitSm.getDataCoding(),
                                     submitSm.getShortMessage(), submitSm.getEsmClass()));
            // jSMPP answers whatever this returns or throws: hold this PDU's thread until the session ends, so the
            // answer goes nowhere; the session's other threads serve the rest.
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
            source.addSessionStateListener((now, before, session) -> {
               if (!now.isBound()) {
                  ended.countDown();
               }
            });
            if (source.getSessionState().isBound() && !closed) {
               try {
                  ended.await(120, java.util.concurrent.TimeUnit.SECONDS);
               } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
               }
            }
            throw new ProcessRequestException("dropped", 0x08);
         }
         String id = Integer.toHexString(ids.incrementAndGet());
         submittedOn.put(id, source);
         submits.add(new Received(id, submitSm.getDestAddress(), submitSm.getSourceAddr(), submitSm.getDataCoding(),
                                  submitSm.getShortMessage(), submitSm.getEsmClass(),
                                  submitSm.getOptionalParameters() == null ? new OptionalParameter[0] : submitSm.getOptionalParameters(),
                                  System.nanoTime(), submitSm.getRegisteredDelivery() & 0xFF));
         java.util.concurrent.CountDownLatch hold = holdResponses;
         if (hold != null) {
            try {
               hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
               Thread.currentThread().interrupt();
            }
         }
         for (int i = receiptsBeforeResponse.get(); i > 0; i--) {
            try {
               sendReceipt(new Received(id, submitSm.getDestAddress(), submitSm.getSourceAddr(), 0, new byte[0], (byte) 0),
                           DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
            } catch (Exception e) {
               throw new ProcessRequestException("receipt before response failed: " + e, 0x08);
            }
         }
         try {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
         } catch (org.jsmpp.PDUStringException e) {
            throw new ProcessRequestException(e.getMessage(), 0x08);
         }
      }

      @Override
      public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }

      @Override
      public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
         throw new ProcessRequestException("not supported", 0x03);
      }
   }
}
