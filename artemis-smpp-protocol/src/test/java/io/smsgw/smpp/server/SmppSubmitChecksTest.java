package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DataSmResp;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fields of submit_sm, submit_multi and data_sm the acceptor checks before it stores anything: what an ESME is
 * answered, and what reaches sms.mt.
 */
class SmppSubmitChecksTest {

   private static final Address SOURCE = new Address((byte) 1, (byte) 1, "8610086");

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

   /** Reads from sms.mt the message with this smsId (other tests' messages are left alone). */
   private static TextMessage receiveMt(String smsId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static RawSmppClient bound(int version) throws Exception {
      RawSmppClient client = new RawSmppClient(broker.port());
      client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", version, 0, 0, ""));
      assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
      return client;
   }

   private static SMPPSession jsmpp() throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(org.jsmpp.bean.BindType.BIND_TX, "smppclient1",
         "password", "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, org.jsmpp.bean.InterfaceVersion.IF_34));
      return session;
   }

   private static String jsmppSubmit(SMPPSession session, ESMClass esmClass, String text) throws Exception {
      return session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8610086",
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138000", esmClass, (byte) 0, (byte) 0,
         null, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   private static List<DestinationAddress> oneDestination() {
      return List.of(new DestinationAddress.Sme(new Address((byte) 1, (byte) 1, "8613800138000")));
   }

   @Test
   void messagingModesAndReplyPathAreTakenButATypeOtherThanAPlainMessageIsRefused() throws Exception {
      SMPPSession session = jsmpp();
      try {
         // Kannel submits store-and-forward (0x03) by default; datagram, forward and reply path are taken as well.
         for (ESMClass taken : List.of(new ESMClass(), new ESMClass(MessageMode.STORE_AND_FORWARD, MessageType.DEFAULT,
                                          GSMSpecificFeature.DEFAULT),
                                       new ESMClass(MessageMode.DATAGRAM, MessageType.DEFAULT, GSMSpecificFeature.REPLYPATH),
                                       new ESMClass(MessageMode.TRANSACTION, MessageType.DEFAULT, GSMSpecificFeature.DEFAULT))) {
            String id = jsmppSubmit(session, taken, "mode " + taken.value());
            TextMessage mt = receiveMt(id);
            assertNotNull(mt, "esm_class 0x" + Integer.toHexString(taken.value() & 0xFF) + " stored");
            assertEquals("mode " + taken.value(), mt.getText());
         }
         // A receipt, an acknowledgement or any other message type: the gateway would send it on as a plain text.
         for (MessageType type : List.of(MessageType.SMSC_DEL_RECEIPT, MessageType.ESME_DEL_ACK, MessageType.ESME_MAN_ACK,
                                         MessageType.INTER_DEL_NOTIF, MessageType.CONV_ABORT)) {
            ESMClass refused = new ESMClass(MessageMode.DEFAULT, type, GSMSpecificFeature.DEFAULT);
            NegativeResponseException e = assertThrows(NegativeResponseException.class,
               () -> jsmppSubmit(session, refused, "typed"), type.toString());
            assertEquals(SmppStatus.ESME_RINVESMCLASS, e.getCommandStatus(), type.toString());
         }
      } finally {
         session.unbindAndClose();
      }
      try (RawSmppClient client = bound(0x34)) {
         client.send(new SubmitMulti(2, "", SOURCE, oneDestination(), 0x04, 0, 0, "", "", 0, 0, 0, 0,
                                     "a receipt".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         assertEquals(SmppStatus.ESME_RINVESMCLASS, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
         client.send(new DataSm(3, "", SOURCE, new Address((byte) 1, (byte) 1, "8613800138000"), 0x08, 0, 0,
                                Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, "an ack".getBytes(StandardCharsets.US_ASCII)).build()));
         assertEquals(SmppStatus.ESME_RINVESMCLASS, assertInstanceOf(DataSmResp.class, client.read()).commandStatus());
         client.send(new SubmitMulti(4, "", SOURCE, oneDestination(), 0x83, 0, 0, "", "", 0, 0, 0, 0,
                                     "store and forward".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
      }
   }

   private static io.smsgw.smpp.codec.SubmitSm prioritySubmit(int sequence, int priority) {
      return ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(SOURCE)
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000")).priorityFlag(priority)
         .shortMessage("priority".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   private static SubmitMulti priorityMulti(int sequence, int priority) {
      return new SubmitMulti(sequence, "", SOURCE, oneDestination(), 0, 0, priority, "", "", 0, 0, 0, 0,
                             "priority".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY);
   }

   @Test
   void aPriorityFlagAboveTheVersionsHighestIsRefusedBySubmitSmAndSubmitMultiAlike() throws Exception {
      try (RawSmppClient client = bound(0x34)) {
         client.send(prioritySubmit(10, 4));
         assertEquals(SmppStatus.ESME_RINVPRTFLG, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         client.send(priorityMulti(11, 4));
         assertEquals(SmppStatus.ESME_RINVPRTFLG, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
         client.send(prioritySubmit(12, 3));
         SubmitSmResp taken = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, taken.commandStatus());
         assertEquals(3, receiveMt(taken.messageId()).getIntProperty("smsPriority"));
         client.send(priorityMulti(13, 3));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
      }
      try (RawSmppClient client = bound(0x33)) {
         client.send(prioritySubmit(20, 2));
         assertEquals(SmppStatus.ESME_RINVPRTFLG, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         client.send(priorityMulti(21, 2));
         assertEquals(SmppStatus.ESME_RINVPRTFLG, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus(),
                      "SMPP 3.3 defines 0 and 1 only, for submit_multi as for submit_sm");
         client.send(priorityMulti(22, 1));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
      }
   }

   /** A PDU written byte by byte: the codec would refuse fields longer than the spec allows. */
   private static byte[] rawPdu(int commandId, int sequence, java.io.ByteArrayOutputStream body) {
      java.nio.ByteBuffer pdu = java.nio.ByteBuffer.allocate(16 + body.size());
      pdu.putInt(16 + body.size()).putInt(commandId).putInt(0).putInt(sequence).put(body.toByteArray());
      return pdu.array();
   }

   private static void cString(java.io.ByteArrayOutputStream body, String value) {
      body.writeBytes((value + "\0").getBytes(StandardCharsets.US_ASCII));
   }

   private static void address(java.io.ByteArrayOutputStream body, String address) {
      body.write(1);
      body.write(1);
      cString(body, address);
   }

   /** submit_sm (or submit_multi to these SME destinations) of the text "x" under this service_type. */
   private static byte[] rawSubmit(int commandId, int sequence, String serviceType, String... destinations) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      cString(body, serviceType);
      address(body, "8610086");
      if (commandId == io.smsgw.smpp.codec.SmppCommandId.SUBMIT_MULTI) {
         body.write(destinations.length);
         for (String destination : destinations) {
            body.write(1); // dest_flag: SME address
            address(body, destination);
         }
      } else {
         address(body, destinations[0]);
      }
      body.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}); // esm_class .. sm_length, short_message
      return rawPdu(commandId, sequence, body);
   }

   @Test
   void aServiceTypeLongerThanFiveCharactersIsRefusedAtSubmit() throws Exception {
      String handset = "8613800138000";
      try (RawSmppClient client = bound(0x34)) {
         client.sendBytes(rawSubmit(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_SM, 30, "SIXCHR", handset));
         assertEquals(SmppStatus.ESME_RINVSERTYP, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                      "not taken, to come back later as a REJECTD report from the SMSC link");
         client.sendBytes(rawSubmit(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_MULTI, 31, "SIXCHR", handset));
         assertEquals(SmppStatus.ESME_RINVSERTYP, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
         java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
         cString(data, "SIXCHR");
         address(data, "8610086");
         address(data, handset);
         data.writeBytes(new byte[] {0, 0, 0, 0x04, 0x24, 0, 1, 'x'}); // esm_class, registered_delivery, data_coding, message_payload
         client.sendBytes(rawPdu(io.smsgw.smpp.codec.SmppCommandId.DATA_SM, 32, data));
         assertEquals(SmppStatus.ESME_RINVSERTYP, assertInstanceOf(DataSmResp.class, client.read()).commandStatus());

         client.sendBytes(rawSubmit(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_SM, 33, "FIVEC", handset));
         SubmitSmResp taken = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, taken.commandStatus());
         assertEquals("FIVEC", receiveMt(taken.messageId()).getStringProperty("smsServiceType"));
      }
   }

   @Test
   void aSubmitMultiListsAnEmptyDestinationAsUnsuccessfulAndStoresTheOthers() throws Exception {
      SMPPSession session = jsmpp();
      try {
         org.jsmpp.bean.Address[] destinations = {
            new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138041"),
            new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, ""),
            new org.jsmpp.bean.Address(TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "8613800138042")};
         org.jsmpp.session.SubmitMultiResult result = session.submitMultiple("", TypeOfNumber.INTERNATIONAL,
            NumberingPlanIndicator.ISDN, "8610086", destinations, new ESMClass(), (byte) 0, (byte) 0, null, null,
            new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), org.jsmpp.bean.ReplaceIfPresentFlag.DEFAULT,
            new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, "to two of three".getBytes(StandardCharsets.US_ASCII));
         assertEquals(1, result.getUnsuccessDeliveries().length, "the empty destination reported, as jSMPP decodes it");
         // jSMPP reads an empty C-Octet String as null.
         assertEquals("", java.util.Objects.requireNonNullElse(result.getUnsuccessDeliveries()[0].getDestinationAddress().getAddress(), ""));
         assertEquals(SmppStatus.ESME_RINVDSTADR, result.getUnsuccessDeliveries()[0].getErrorStatusCode());
         java.util.Set<String> reached = new java.util.HashSet<>();
         for (int i = 0; i < 2; i++) {
            TextMessage mt = receiveMt(result.getMessageId());
            assertNotNull(mt, "copy " + (i + 1));
            reached.add(mt.getStringProperty("smsDestination"));
         }
         assertEquals(java.util.Set.of("8613800138041", "8613800138042"), reached);
      } finally {
         session.unbindAndClose();
      }
   }

   @Test
   void aSubmitMultiWithNothingToStoreIsRefusedForWhatItsDestinationsAre() throws Exception {
      try (RawSmppClient client = bound(0x34)) {
         client.send(new SubmitMulti(50, "", SOURCE, List.of(new DestinationAddress.DistributionList("friends"),
                                                            new DestinationAddress.DistributionList("family")),
                                     0, 0, 0, "", "", 0, 0, 0, 0, "x".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         SubmitMultiResp lists = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_RCNTSUBDL, lists.commandStatus(), "distribution lists are not served, whatever their names");
         assertEquals("", lists.messageId());

         client.send(new SubmitMulti(51, "", SOURCE, List.of(new DestinationAddress.Sme(new Address((byte) 1, (byte) 1, "8613800138051")),
                                                            new DestinationAddress.DistributionList("friends")),
                                     0, 0, 0, "", "", 0, 0, 0, 0, "x".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         SubmitMultiResp mixed = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, mixed.commandStatus());
         assertEquals(1, mixed.unsuccessSmes().size());
         assertEquals("friends", mixed.unsuccessSmes().get(0).destAddr().address());
         assertEquals(SmppStatus.ESME_RCNTSUBDL, mixed.unsuccessSmes().get(0).errorStatusCode());

         client.sendBytes(rawSubmit(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_MULTI, 52, "", "", ""));
         assertEquals(SmppStatus.ESME_RINVDSTADR, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());

         // One destination longer than submit_multi_resp can echo: refused whole, nothing stored for the other.
         client.sendBytes(rawSubmit(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_MULTI, 53, "", "8613800138053", "8".repeat(21)));
         SubmitMultiResp tooLong = assertInstanceOf(SubmitMultiResp.class, client.read(), "answered, not closed");
         assertEquals(SmppStatus.ESME_RINVDSTADR, tooLong.commandStatus());
         assertEquals("", tooLong.messageId());
      }
   }
}
