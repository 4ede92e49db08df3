package io.smsgw.smpp.server;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import io.smsgw.core.concat.SplitReference;
import io.smsgw.core.contract.SmsAddresses;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.jsmpp.bean.InterfaceVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptor against real ESME libraries (jSMPP and cloudhopper), with JMS applications on the other
 * side of the broker: submits become contract messages on sms.mt; MO and status reports an application
 * sends to sms.sp.&lt;account&gt; reach the ESME as deliver_sm.
 */
class SmppInteropTest {

   @TempDir
   static Path dataDir;
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.smpp(dataDir, "").start();
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
      broker.close();
   }

   /** Collects the deliver_sm a jSMPP session receives. */
   static final class JsmppInbox implements MessageReceiverListener {
      final BlockingQueue<org.jsmpp.bean.DeliverSm> received = new LinkedBlockingQueue<>();
      /** Until this opens, the listener does not return, so jSMPP does not answer; none = answer at once. */
      private final java.util.concurrent.CountDownLatch answerAfter;

      JsmppInbox() {
         this(new java.util.concurrent.CountDownLatch(0));
      }

      JsmppInbox(java.util.concurrent.CountDownLatch answerAfter) {
         this.answerAfter = answerAfter;
      }

      @Override
      public void onAcceptDeliverSm(org.jsmpp.bean.DeliverSm deliverSm) throws ProcessRequestException {
         received.add(deliverSm);
         awaitQuietly(answerAfter);
      }

      @Override
      public void onAcceptAlertNotification(AlertNotification alertNotification) {
      }

      @Override
      public DataSmResult onAcceptDataSm(DataSm dataSm, org.jsmpp.session.Session source) {
         return null;
      }
   }

   private static SMPPSession jsmpp(BindType type, InterfaceVersion version, JsmppInbox inbox) throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      if (inbox != null) {
         session.setMessageReceiverListener(inbox);
      }
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(type, "smppclient1", "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, version));
      return session;
   }

   private static String jsmppSubmit(SMPPSession session, String destination, String text) throws Exception {
      return session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   /** Reads from sms.mt the message with this smsId (other tests' messages are left alone). */
   private static TextMessage receiveMt(String smsId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static void sendToAccount(String account, String text, String... properties) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageProducer producer = session.createProducer(session.createQueue(SmsAddresses.accountQueue(account)))) {
         TextMessage message = session.createTextMessage(text);
         for (int i = 0; i < properties.length; i += 2) {
            message.setStringProperty(properties[i], properties[i + 1]);
         }
         producer.send(message);
      }
   }

   @Test
   void jsmpp34SubmitBecomesAContractMessageOnSmsMt() throws Exception {
      SMPPSession session = jsmpp(BindType.BIND_TX, InterfaceVersion.IF_34, null);
      try {
         String id = jsmppSubmit(session, "8613800138000", "Hello from jSMPP");
         assertEquals(16, id.length(), id);
         TextMessage mt = receiveMt(id);
         assertNotNull(mt, "MT on sms.mt");
         assertEquals("Hello from jSMPP", mt.getText());
         assertEquals("MT", mt.getStringProperty("smsKind"));
         assertEquals("smppclient1", mt.getStringProperty("smsAccount"));
         assertEquals("SMPP", mt.getStringProperty("smsProtocol"));
         assertEquals("8610086", mt.getStringProperty("smsSource"));
         assertEquals("8613800138000", mt.getStringProperty("smsDestination"));
         assertEquals(1, mt.getIntProperty("smsRegisteredDelivery"));
         assertEquals(0, mt.getIntProperty("smsDataCoding"));
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void jsmpp33SessionGetsShortHexIds() throws Exception {
      SMPPSession session = jsmpp(BindType.BIND_TX, InterfaceVersion.IF_33, null);
      try {
         String id = jsmppSubmit(session, "8613800138001", "Hello 3.3");
         assertTrue(id.matches("[0-9a-f]{8}"), id);
         assertEquals("Hello 3.3", receiveMt(id).getText());
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void jsmpp34TransceiverReceivesReceiptWithItsIdAndAnMo() throws Exception {
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_TRX, InterfaceVersion.IF_34, inbox);
      try {
         String id = jsmppSubmit(session, "8613800138002", "Please confirm");
         assertNotNull(receiveMt(id));
         sendToAccount("smppclient1", "Please confirm", "smsKind", "DR", "smsId", id, "smsStatus", "DELIVRD",
                       "smsSource", "8613800138002", "smsDestination", "8610086");
         org.jsmpp.bean.DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(receipt, "receipt deliver_sm");
         assertTrue(MessageType.SMSC_DEL_RECEIPT.containedIn(receipt.getEsmClass()));
         DeliveryReceipt parsed = receipt.getShortMessageAsDeliveryReceipt();
         assertEquals(id, parsed.getId());
         assertEquals("DELIVRD", parsed.getFinalStatus().name());
         OptionalParameter.OctetString receipted = (OptionalParameter.OctetString) receipt.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
         assertEquals(id, receipted.getValueAsString());
         assertNotNull(receipt.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE));

         sendToAccount("smppclient1", "Reply from handset", "smsKind", "MO", "smsSource", "8613800138002", "smsDestination", "8610086");
         org.jsmpp.bean.DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "MO deliver_sm");
         assertEquals("Reply from handset", new String(mo.getShortMessage(), StandardCharsets.US_ASCII));
         assertEquals("8613800138002", mo.getSourceAddr());
         Wait.until("both deliveries acknowledged", java.time.Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void jsmppDataSmWithMessagePayloadBecomesAnMt() throws Exception {
      SMPPSession session = jsmpp(BindType.BIND_TX, InterfaceVersion.IF_34, null);
      try {
         DataSmResult result = session.dataShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
            TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138006", new ESMClass(),
            new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), new GeneralDataCoding(Alphabet.ALPHA_DEFAULT),
            new OptionalParameter.OctetString(OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), "Hello through data sm"));
         TextMessage mt = receiveMt(result.getMessageId());
         assertNotNull(mt);
         assertEquals("Hello through data sm", mt.getText());
         assertEquals("8613800138006", mt.getStringProperty("smsDestination"));
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void jsmppSubmitMultiMakesOneMessagePerDestinationSharingTheId() throws Exception {
      SMPPSession session = jsmpp(BindType.BIND_TX, InterfaceVersion.IF_34, null);
      try {
         org.jsmpp.bean.Address[] destinations = {
            new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138007"),
            new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138008")};
         org.jsmpp.session.SubmitMultiResult result = session.submitMultiple("", TypeOfNumber.INTERNATIONAL,
            NumberingPlanIndicator.ISDN, "8610086", destinations, new ESMClass(), (byte) 0, (byte) 0, null, null,
            new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), org.jsmpp.bean.ReplaceIfPresentFlag.DEFAULT,
            new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, "Hello both".getBytes(StandardCharsets.US_ASCII));
         assertEquals(0, result.getUnsuccessDeliveries().length);
         java.util.Set<String> reached = new java.util.HashSet<>();
         for (int i = 0; i < 2; i++) {
            TextMessage mt = receiveMt(result.getMessageId());
            assertNotNull(mt, "copy " + (i + 1));
            assertEquals("Hello both", mt.getText());
            reached.add(mt.getStringProperty("smsDestination"));
         }
         assertEquals(java.util.Set.of("8613800138007", "8613800138008"), reached);
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void cloudhopperSarSegmentsKeepTheirSegmentProperties() throws Exception {
      SmppSession session = cloudhopper(SmppBindType.TRANSMITTER, SmppConstants.VERSION_3_4, null);
      try {
         String[] parts = {"first half ", "second half"};
         for (int i = 0; i < parts.length; i++) {
            SubmitSm sm = new SubmitSm();
            sm.setSourceAddress(new Address((byte) 1, (byte) 1, "8610086"));
            sm.setDestAddress(new Address((byte) 1, (byte) 1, "8613800138009"));
            sm.setShortMessage(parts[i].getBytes(StandardCharsets.US_ASCII));
            sm.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_SAR_MSG_REF_NUM, new byte[] {0x01, 0x02}));
            sm.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_SAR_TOTAL_SEGMENTS, new byte[] {2}));
            sm.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_SAR_SEGMENT_SEQNUM, new byte[] {(byte) (i + 1)}));
            String id = session.submit(sm, 10_000).getMessageId();
            TextMessage mt = receiveMt(id);
            assertEquals(parts[i], mt.getText());
            assertEquals(0x0102, mt.getIntProperty("smsSegmentRef"));
            assertEquals(2, mt.getIntProperty("smsSegmentTotal"));
            assertEquals(i + 1, mt.getIntProperty("smsSegmentNumber"));
         }
      } finally {
         session.unbind(5000);
      }
   }

   /** An MO segment as an SMSC link records one that came with SAR TLVs: protocol SMPP, segment properties, no smsUdh. */
   private static void sendSarSegmentMo(String destination) throws JMSException {
      sendToAccount("smppclient1", "first half ", "smsKind", "MO", "smsProtocol", "SMPP", "smsSource", "8613800138010", "smsDestination", destination,
                    "smsSegmentRef", "7", "smsSegmentTotal", "2", "smsSegmentNumber", "1");
   }

   /**
    * The client libraries send a deliver_sm_resp after the handler returns, on a thread of their own, so an unbind
    * sent right after the test saw the deliver_sm can overtake it. The gateway waits for that answer before it ends
    * the session (decision 94; the tests "...AnsweringAnMoAfterItsUnbind..." unbind without this); here the test
    * also checks that the MO was acknowledged.
    */
   private static void answeredBeforeUnbinding() {
      Wait.until("the MO acknowledged", java.time.Duration.ofSeconds(10),
                 () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
   }

   @Test
   void jsmpp34ReceiverGetsAnMoSegmentWithItsSarTlvs() throws Exception {
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
      try {
         sendSarSegmentMo("8610086");
         org.jsmpp.bean.DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "MO deliver_sm");
         assertEquals("first half ", new String(mo.getShortMessage(), StandardCharsets.US_ASCII));
         assertEquals(7, ((OptionalParameter.Short) mo.getOptionalParameter(OptionalParameter.Tag.SAR_MSG_REF_NUM)).getValue());
         assertEquals(2, ((OptionalParameter.Byte) mo.getOptionalParameter(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS)).getValue());
         assertEquals(1, ((OptionalParameter.Byte) mo.getOptionalParameter(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM)).getValue());
         answeredBeforeUnbinding();
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void cloudhopper33ReceiverGetsAnMoSegmentWithAConcatenationUdh() throws Exception {
      CloudhopperInbox inbox = new CloudhopperInbox();
      SmppSession receiver = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_3, inbox);
      try {
         sendSarSegmentMo("8610087");
         DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(mo, "MO deliver_sm");
         assertEquals(SmppConstants.ESM_CLASS_UDHI_MASK, mo.getEsmClass() & SmppConstants.ESM_CLASS_UDHI_MASK);
         byte[] udh = {0x05, 0x00, 0x03, 0x07, 0x02, 0x01};
         assertArrayEquals(udh, java.util.Arrays.copyOf(mo.getShortMessage(), udh.length));
         assertEquals("first half ", new String(mo.getShortMessage(), udh.length, mo.getShortMessage().length - udh.length,
                                                StandardCharsets.US_ASCII));
         answeredBeforeUnbinding();
      } finally {
         receiver.unbind(5000);
      }
   }

   @Test
   void cloudhopper33ReceiverGetsTheFullAndTheShortSarPartOfAnMoUnderOneHeader() throws Exception {
      CloudhopperInbox inbox = new CloudhopperInbox();
      SmppSession receiver = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_3, inbox);
      try {
         // An SMSC's long MO with SAR TLVs and reference 0x1234: a full part of 153 GSM characters, then the rest.
         for (int number = 1; number <= 2; number++) {
            sendToAccount("smppclient1", number == 1 ? "x".repeat(153) : "y".repeat(40), "smsKind", "MO", "smsProtocol", "SMPP",
                          "smsSource", "8613800138011", "smsDestination", "8610087", "smsSegmentRef", "4660",
                          "smsSegmentTotal", "2", "smsSegmentNumber", Integer.toString(number));
         }
         java.util.Map<Integer, byte[]> headers = new java.util.HashMap<>();
         for (int i = 0; i < 2; i++) {
            DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(mo, "MO part deliver_sm");
            assertEquals(SmppConstants.ESM_CLASS_UDHI_MASK, mo.getEsmClass() & SmppConstants.ESM_CLASS_UDHI_MASK);
            headers.put((int) mo.getShortMessage()[5], java.util.Arrays.copyOf(mo.getShortMessage(), 5));
         }
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03, 0x34, 0x02}, headers.get(1), "the full part: IE 0x00, the only one it has room for");
         assertArrayEquals(headers.get(1), headers.get(2), "the short part has the full part's IE and reference: the ESME joins them");
         answeredBeforeUnbinding();
      } finally {
         receiver.unbind(5000);
      }
   }

   @Test
   void jsmpp34ReceiverCanTellApartLongMosOfConsecutiveSeconds() throws Exception {
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
      try {
         // At a message a second or less every Msg_Id has sequence 0, so its low 8 bits are the same for all of them.
         String earlier = io.smsgw.core.id.CmppMsgId.toHex(new io.smsgw.core.id.CmppMsgId(11, 26, 13, 45, 30, 1001, 0).toLong());
         String later = io.smsgw.core.id.CmppMsgId.toHex(new io.smsgw.core.id.CmppMsgId(11, 26, 13, 45, 31, 1001, 0).toLong());
         String first = gsmText(300);
         String second = "Another long message for the same handset, sent a second later. ".repeat(5).substring(0, 300);
         sendToAccount("smppclient1", first, "smsKind", "MO", "smsId", earlier, "smsSource", "8613800138021", "smsDestination", "8610090");
         sendToAccount("smppclient1", second, "smsKind", "MO", "smsId", later, "smsSource", "8613800138021", "smsDestination", "8610090");
         Reassembly received = new Reassembly();
         java.util.Set<Integer> references = new java.util.HashSet<>();
         for (int i = 0; i < 4; i++) {
            org.jsmpp.bean.DeliverSm part = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(part, "a part of a long MO; so far " + received.parts);
            references.add(received.add(part.getEsmClass(), part.getDataCoding(), part.getShortMessage(), false));
         }
         assertEquals(2, references.size(), "two messages from one sender, two references: " + references);
         assertEquals(first, received.text(SplitReference.of(earlier)), "each message joined from its own parts");
         assertEquals(second, received.text(SplitReference.of(later)));
         Wait.until("both MOs acknowledged", java.time.Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
      } finally {
         session.unbindAndClose();
      }
   }

   /** Collects the deliver_sm a cloudhopper session receives and answers them ESME_ROK. */
   static final class CloudhopperInbox extends DefaultSmppSessionHandler {
      final BlockingQueue<DeliverSm> received = new LinkedBlockingQueue<>();
      /**
       * Until this opens, deliver_sm are not answered; none = answer at once. The answer is then sent from a thread of
       * the application's, as cloudhopper lets a handler do, through {@link #session}: the handler runs on the I/O
       * thread, which also carries the session's writes, so it must not wait there.
       */
      private final java.util.concurrent.CountDownLatch answerAfter;
      volatile SmppSession session;

      CloudhopperInbox() {
         this(new java.util.concurrent.CountDownLatch(0));
      }

      CloudhopperInbox(java.util.concurrent.CountDownLatch answerAfter) {
         this.answerAfter = answerAfter;
      }

      @Override
      public PduResponse firePduRequestReceived(PduRequest request) {
         if (request instanceof DeliverSm deliver) {
            received.add(deliver);
            if (answerAfter.getCount() > 0) {
               Thread answering = new Thread(() -> {
                  awaitQuietly(answerAfter);
                  try {
                     session.sendResponsePdu(request.createResponse());
                  } catch (Exception e) {
                     throw new IllegalStateException(e);
                  }
               }, "late deliver_sm_resp");
               answering.setDaemon(true);
               answering.start();
               return null;
            }
         }
         return request.createResponse();
      }
   }

   /** Bounded: a test that never opens the latch has failed by then; let the library go on. */
   private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
      try {
         latch.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
         Thread.currentThread().interrupt();
      }
   }

   /**
    * Opens {@code latch} when the gateway reads an unbind (on its event loop, before the session acts on it), for the
    * duration of {@code test}: a library whose handler waits on it answers its deliver_sm after its own unbind.
    */
   private static void withAnswersAfterTheUnbind(java.util.concurrent.CountDownLatch latch, Callable test) throws Exception {
      SmppInterceptor seesUnbind = (pdu, connection) -> {
         if (pdu instanceof io.smsgw.smpp.codec.Unbind) {
            latch.countDown();
         }
         return true;
      };
      broker.server().getRemotingService().addIncomingInterceptor(seesUnbind);
      try {
         test.call();
      } finally {
         broker.server().getRemotingService().removeIncomingInterceptor(seesUnbind);
      }
   }

   interface Callable {
      void call() throws Exception;
   }

   /** Nothing waits for the account any more: a later bind gets nothing. */
   private static void nothingComesOnTheNextBind() throws Exception {
      Wait.until("the MO acknowledged by the answer sent after the unbind", java.time.Duration.ofSeconds(10),
                 () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
      try {
         assertNull(inbox.received.poll(300, TimeUnit.MILLISECONDS), "the MO not again on the next bind");
      } finally {
         session.unbindAndClose();
      }
   }

   /**
    * jSMPP answers deliver_sm on a thread of its own, after the listener returns: here only once the gateway has read
    * the unbind the test sent meanwhile (no {@link #answeredBeforeUnbinding}). The answer still acknowledges the MO.
    */
   @Test
   void jsmppAnsweringAnMoAfterItsUnbindDoesNotGetItAgain() throws Exception {
      java.util.concurrent.CountDownLatch unbindRead = new java.util.concurrent.CountDownLatch(1);
      withAnswersAfterTheUnbind(unbindRead, () -> {
         JsmppInbox inbox = new JsmppInbox(unbindRead);
         SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
         try {
            sendSarSegmentMo("8610086");
            assertNotNull(inbox.received.poll(10, TimeUnit.SECONDS), "MO deliver_sm");
         } finally {
            session.unbindAndClose();
         }
      });
      nothingComesOnTheNextBind();
   }

   /** The same with cloudhopper, the answer sent by an application thread once the gateway has read the unbind. */
   @Test
   void cloudhopperAnsweringAnMoAfterItsUnbindDoesNotGetItAgain() throws Exception {
      java.util.concurrent.CountDownLatch unbindRead = new java.util.concurrent.CountDownLatch(1);
      withAnswersAfterTheUnbind(unbindRead, () -> {
         CloudhopperInbox inbox = new CloudhopperInbox(unbindRead);
         SmppSession receiver = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_4, inbox);
         inbox.session = receiver;
         try {
            sendSarSegmentMo("8610087");
            assertNotNull(inbox.received.poll(10, TimeUnit.SECONDS), "MO deliver_sm");
         } finally {
            receiver.unbind(5000);
         }
      });
      nothingComesOnTheNextBind();
   }

   private static SmppSession cloudhopper(SmppBindType type, byte version, CloudhopperInbox inbox) throws Exception {
      SmppSessionConfiguration cfg = new SmppSessionConfiguration(type, "smppclient1", "password");
      cfg.setHost("127.0.0.1");
      cfg.setPort(broker.port());
      cfg.setInterfaceVersion(version);
      cfg.setWindowSize(16);
      return new DefaultSmppClient().bind(cfg, inbox == null ? new DefaultSmppSessionHandler() : inbox);
   }

   /** {@code length} characters of plain text that GSM 7-bit holds. */
   static String gsmText(int length) {
      return "The quick brown fox jumps over the lazy dog 0123456789. ".repeat(length / 40 + 1).substring(0, length);
   }

   /** {@code length} Chinese characters (UCS2). */
   static String ucs2Text(int length) {
      return "长短信按段送达，每段都带着拼接头。".repeat(length / 10 + 1).substring(0, length);
   }

   /** The texts of concatenated deliver_sm, joined by UDH reference once every part is in. */
   static final class Reassembly {
      final java.util.Map<Integer, java.util.TreeMap<Integer, String>> parts = new java.util.HashMap<>();
      final java.util.Map<Integer, Integer> totals = new java.util.HashMap<>();

      /** Checks the part's header and size and keeps its text (data_coding 0: GSM 7-bit unpacked, 8: UCS2); returns its reference. */
      int add(int esmClass, int dataCoding, byte[] shortMessage, boolean hasPayload) {
         assertEquals(0x40, esmClass & 0x40, "UDHI in esm_class");
         assertTrue(!hasPayload, "short_message only, no message_payload");
         assertTrue(dataCoding == 0 || dataCoding == 8, "data_coding " + dataCoding);
         assertTrue(shortMessage.length <= (dataCoding == 0 ? 159 : 140), shortMessage.length + " octets, data_coding " + dataCoding);
         assertArrayEquals(new byte[] {0x05, 0x00, 0x03}, java.util.Arrays.copyOf(shortMessage, 3), "concatenation UDH, IE 0x00");
         int reference = shortMessage[3] & 0xFF;
         totals.put(reference, (int) shortMessage[4]);
         String text = dataCoding == 0 ? io.smsgw.core.text.Gsm7Alphabet.decode(shortMessage, 6, shortMessage.length - 6)
            : new String(shortMessage, 6, shortMessage.length - 6, StandardCharsets.UTF_16BE);
         parts.computeIfAbsent(reference, r -> new java.util.TreeMap<>()).put((int) shortMessage[5], text);
         return reference;
      }

      boolean complete(int reference) {
         return totals.containsKey(reference) && parts.get(reference).size() == totals.get(reference);
      }

      String text(int reference) {
         assertTrue(complete(reference), "every part of reference " + reference + ": " + parts.get(reference));
         return String.join("", parts.get(reference).values());
      }
   }

   /** A 300-character GSM MO and a 100-character UCS2 MO with these smsIds. */
   private static void sendLongMos(String destination, String gsmId, String ucs2Id) throws JMSException {
      sendToAccount("smppclient1", gsmText(300), "smsKind", "MO", "smsId", gsmId,
                    "smsSource", "8613800138020", "smsDestination", destination);
      sendToAccount("smppclient1", ucs2Text(100), "smsKind", "MO", "smsId", ucs2Id,
                    "smsSource", "8613800138020", "smsDestination", destination);
   }

   @Test
   void jsmpp34ReceiverGetsLongMosAsConcatenatedParts() throws Exception {
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
      try {
         sendLongMos("8610088", "00000000000001c1", "00000000000001c2");
         int gsm = SplitReference.of("00000000000001c1");
         int ucs2 = SplitReference.of("00000000000001c2");
         Reassembly received = new Reassembly();
         while (!received.complete(gsm) || !received.complete(ucs2)) {
            org.jsmpp.bean.DeliverSm part = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(part, "a part of a long MO; so far " + received.parts);
            received.add(part.getEsmClass(), part.getDataCoding(), part.getShortMessage(),
                         part.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD) != null);
         }
         assertEquals(gsmText(300), received.text(gsm));
         assertEquals(ucs2Text(100), received.text(ucs2));
         Wait.until("both MOs acknowledged", java.time.Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
         assertNull(inbox.received.poll(200, TimeUnit.MILLISECONDS), "no part delivered twice");
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void cloudhopper33ReceiverGetsLongMosAsConcatenatedParts() throws Exception {
      CloudhopperInbox inbox = new CloudhopperInbox();
      SmppSession receiver = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_3, inbox);
      try {
         sendLongMos("8610089", "00000000000001d1", "00000000000001d2");
         int gsm = SplitReference.of("00000000000001d1");
         int ucs2 = SplitReference.of("00000000000001d2");
         Reassembly received = new Reassembly();
         while (!received.complete(gsm) || !received.complete(ucs2)) {
            DeliverSm part = inbox.received.poll(10, TimeUnit.SECONDS);
            assertNotNull(part, "a part of a long MO; so far " + received.parts);
            assertTrue(part.getOptionalParameters() == null || part.getOptionalParameters().isEmpty(), "3.3: no TLVs");
            received.add(part.getEsmClass(), part.getDataCoding(), part.getShortMessage(), false);
         }
         assertEquals(gsmText(300), received.text(gsm));
         assertEquals(ucs2Text(100), received.text(ucs2));
         Wait.until("both MOs acknowledged", java.time.Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 0);
         assertNull(inbox.received.poll(200, TimeUnit.MILLISECONDS), "no part delivered twice");
      } finally {
         receiver.unbind(5000);
      }
   }

   @Test
   void cloudhopper33ReceiverGetsTextOnlyReceipts() throws Exception {
      CloudhopperInbox inbox = new CloudhopperInbox();
      SmppSession receiver = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_3, inbox);
      SmppSession transmitter = cloudhopper(SmppBindType.TRANSMITTER, SmppConstants.VERSION_3_3, null);
      try {
         SubmitSm sm = new SubmitSm();
         sm.setSourceAddress(new Address((byte) 1, (byte) 1, "8610086"));
         sm.setDestAddress(new Address((byte) 1, (byte) 1, "8613800138003"));
         sm.setRegisteredDelivery(SmppConstants.REGISTERED_DELIVERY_SMSC_RECEIPT_REQUESTED);
         sm.setShortMessage("Hello cloudhopper".getBytes(StandardCharsets.US_ASCII));
         SubmitSmResp resp = transmitter.submit(sm, 10_000);
         assertEquals(SmppConstants.STATUS_OK, resp.getCommandStatus());
         String id = resp.getMessageId();
         assertTrue(id.length() <= 8, id);
         assertEquals("Hello cloudhopper", receiveMt(id).getText());

         sendToAccount("smppclient1", "Hello cloudhopper", "smsKind", "DR", "smsId", id, "smsStatus", "UNDELIV",
                       "smsErrorCode", "005", "smsSource", "8613800138003", "smsDestination", "8610086");
         DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(receipt, "receipt deliver_sm");
         assertEquals(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT, receipt.getEsmClass());
         assertTrue(receipt.getOptionalParameters() == null || receipt.getOptionalParameters().isEmpty(), "3.3 receipts carry no TLVs");
         com.cloudhopper.smpp.util.DeliveryReceipt parsed = com.cloudhopper.smpp.util.DeliveryReceipt.parseShortMessage(
            new String(receipt.getShortMessage(), StandardCharsets.US_ASCII), org.joda.time.DateTimeZone.UTC);
         assertEquals(id, parsed.getMessageId());
         assertEquals(SmppConstants.STATE_UNDELIVERABLE, parsed.getState());
         answeredBeforeUnbinding();
      } finally {
         transmitter.unbind(5000);
         receiver.unbind(5000);
      }
   }

   @Test
   void aReportInAnIntermediateStateIsAnIntermediateNotificationOn34AndAReceiptOn33() throws Exception {
      CloudhopperInbox inbox34 = new CloudhopperInbox();
      SmppSession receiver34 = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_4, inbox34);
      try {
         sendToAccount("smppclient1", "", "smsKind", "DR", "smsId", "00000000000001e1", "smsStatus", "ENROUTE",
                       "smsSource", "8613800138007", "smsDestination", "8610086");
         DeliverSm notification = inbox34.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(notification, "intermediate notification deliver_sm");
         assertEquals(SmppConstants.ESM_CLASS_INTERMEDIATE_DELIVERY_RECEIPT_FLAG, notification.getEsmClass());
         String text = new String(notification.getShortMessage(), StandardCharsets.US_ASCII);
         assertTrue(text.startsWith("id:00000000000001e1 ") && text.contains(" stat:ENROUTE "), text);
         assertEquals(SmppConstants.STATE_ENROUTE, notification.getOptionalParameter(SmppConstants.TAG_MSG_STATE).getValueAsByte());
         answeredBeforeUnbinding();
      } finally {
         receiver34.unbind(5000);
      }
      // 3.3 has no intermediate notification type: the receipt type with the state word, as before
      CloudhopperInbox inbox33 = new CloudhopperInbox();
      SmppSession receiver33 = cloudhopper(SmppBindType.RECEIVER, SmppConstants.VERSION_3_3, inbox33);
      try {
         sendToAccount("smppclient1", "", "smsKind", "DR", "smsId", "000001e2", "smsStatus", "ENROUTE",
                       "smsSource", "8613800138007", "smsDestination", "8610086");
         DeliverSm receipt = inbox33.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(receipt, "receipt deliver_sm");
         assertEquals(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT, receipt.getEsmClass());
         String text = new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
         assertTrue(text.startsWith("id:000001e2 ") && text.contains(" stat:ENROUTE "), text);
         answeredBeforeUnbinding();
      } finally {
         receiver33.unbind(5000);
      }
   }

   @Test
   void longUcs2TextSplitByTheClientArrivesAsSegments() throws Exception {
      SmppSession session = cloudhopper(SmppBindType.TRANSCEIVER, SmppConstants.VERSION_3_4, new CloudhopperInbox());
      try {
         String part1 = "你好".repeat(33) + "世";  // 67 UCS2 characters per segment
         String part2 = "再见";
         String[] parts = {part1, part2};
         List<String> ids = new ArrayList<>();
         for (int i = 0; i < parts.length; i++) {
            byte[] text = parts[i].getBytes(StandardCharsets.UTF_16BE);
            byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, (byte) (i + 1)};
            byte[] data = new byte[udh.length + text.length];
            System.arraycopy(udh, 0, data, 0, udh.length);
            System.arraycopy(text, 0, data, udh.length, text.length);
            SubmitSm sm = new SubmitSm();
            sm.setSourceAddress(new Address((byte) 1, (byte) 1, "8610086"));
            sm.setDestAddress(new Address((byte) 1, (byte) 1, "8613800138004"));
            sm.setEsmClass(SmppConstants.ESM_CLASS_UDHI_MASK);
            sm.setDataCoding(SmppConstants.DATA_CODING_UCS2);
            sm.setShortMessage(data);
            ids.add(session.submit(sm, 10_000).getMessageId());
         }
         for (int i = 0; i < parts.length; i++) {
            TextMessage segment = receiveMt(ids.get(i));
            assertNotNull(segment, "segment " + (i + 1));
            assertEquals(parts[i], segment.getText());
            assertEquals(0x2A, segment.getIntProperty("smsSegmentRef"));
            assertEquals(2, segment.getIntProperty("smsSegmentTotal"));
            assertEquals(i + 1, segment.getIntProperty("smsSegmentNumber"));
            assertEquals(8, segment.getIntProperty("smsDataCoding"));
            assertArrayEquals(new byte[] {0x05, 0x00, 0x03, 0x2A, 0x02, (byte) (i + 1)}, (byte[]) segment.getObjectProperty("smsUdh"));
         }
      } finally {
         session.unbind(5000);
      }
   }

   @Test
   void receiptsForAnOfflineEsmeWaitAndArriveAfterRebind() throws Exception {
      sendToAccount("smppclient1", "", "smsKind", "DR", "smsId", "00000000deadbeef", "smsStatus", "DELIVRD",
                    "smsSource", "8613800138005", "smsDestination", "8610086");
      Wait.until("report queued", java.time.Duration.ofSeconds(10),
                 () -> broker.messageCount(SmsAddresses.accountQueue("smppclient1")) == 1);
      JsmppInbox inbox = new JsmppInbox();
      SMPPSession session = jsmpp(BindType.BIND_RX, InterfaceVersion.IF_34, inbox);
      try {
         org.jsmpp.bean.DeliverSm receipt = inbox.received.poll(10, TimeUnit.SECONDS);
         assertNotNull(receipt);
         assertEquals("00000000deadbeef", receipt.getShortMessageAsDeliveryReceipt().getId());
         assertNull(inbox.received.poll(200, TimeUnit.MILLISECONDS));
         answeredBeforeUnbinding();
      } catch (InvalidDeliveryReceiptException e) {
         throw new AssertionError(e);
      } finally {
         session.unbindAndClose();
      }
   }
}
