package io.smsgw.smpp.server;

import io.smsgw.broker.testing.DeliveryHold;
import io.smsgw.broker.testing.SessionCreationGate;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.DeliverSmResp;
import io.smsgw.smpp.codec.EnquireLink;
import io.smsgw.smpp.codec.EnquireLinkResp;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import org.apache.activemq.artemis.junit.EmbeddedActiveMQExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol behaviour of the SMPP acceptor on a real broker, driven at byte level: binds and their
 * refusals, bind state rules, malformed input. Each refusal is the SMPP status an ESME would see.
 */
class SmppAcceptorTest {

   /**
    * The broker comes from artemis-junit's extension; TestBroker only supplies the configuration. Its refusal tests
    * all bind from 127.0.0.1 within a minute: the failed-login limit is raised so that they never meet a penalty
    * (SmppLoginPenaltyTest tests those).
    */
   @RegisterExtension
   static final EmbeddedActiveMQExtension server = new EmbeddedActiveMQExtension(
      TestBroker.configuration(TestBroker.tempDataDir(), "SMPP", ";smppMaxPduSize=2048;smppWindowSize=2;smppBindTimeout=1000;smppAuthFailureLimit=100"));
   static TestBroker broker;

   @BeforeAll
   static void wrapBroker() {
      broker = TestBroker.wrap(server.getServer(), "SMPP");
   }

   private static BindRequest bind(BindType type, String systemId, String password, int version) {
      return new BindRequest(1, type, systemId, password, "", version, 0, 0, "");
   }

   private static SubmitSm submit(int sequence, String text) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .registeredDelivery(1)
         .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   private static int bindStatus(RawSmppClient client, BindRequest request) throws Exception {
      client.send(request);
      BindResponse response = assertInstanceOf(BindResponse.class, client.read());
      return response.commandStatus();
   }

   @Test
   void bindRefusalsCloseTheConnectionAndDoNotTellAnUnknownSystemIdFromAWrongPassword() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSCEIVER, "smppclient1", "wrong", 0x34)));
         assertTrue(client.closedByServer(10_000));
      }
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSMITTER, "nobody", "password", 0x34)),
                      "an unknown system_id gets the same answer as a wrong password");
         assertTrue(client.closedByServer(10_000));
      }
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         // a CMPP-only account cannot bind over SMPP
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSMITTER, "901234", "secret", 0x34)));
      }
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         // transceiver does not exist in SMPP 3.3
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSCEIVER, "smppclient1", "password", 0x33)));
      }
   }

   @Test
   void fromAnAddressOutsideTheAllowlistARightAndAWrongPasswordGetTheSameRefusal() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSMITTER, "fenced", "pw", 0x34)));
         assertTrue(client.closedByServer(10_000));
      }
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(client, bind(BindType.TRANSMITTER, "fenced", "wrong", 0x34)),
                      "a wrong password from a disallowed address is not told apart from the right one");
         assertTrue(client.closedByServer(10_000));
      }
   }

   @Test
   void secondBindOnTheSameConnectionIsAlreadyBound() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         assertEquals(SmppStatus.ESME_RALYBND, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.send(new Unbind(7));
         UnbindResp resp = assertInstanceOf(UnbindResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
         assertTrue(client.closedByServer(10_000));
      }
   }

   @Test
   void sessionsBeyondTheAccountLimitAreRefusedUntilOneCloses() throws Exception {
      try (RawSmppClient first = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(first, bind(BindType.TRANSMITTER, "esme2", "secret2", 0x34)));
         try (RawSmppClient second = new RawSmppClient(broker.port())) {
            assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(second, bind(BindType.TRANSMITTER, "esme2", "secret2", 0x34)));
         }
      }
      Wait.until("esme2's session released", Duration.ofSeconds(10), () -> {
         try (RawSmppClient again = new RawSmppClient(broker.port())) {
            return bindStatus(again, bind(BindType.TRANSMITTER, "esme2", "secret2", 0x34)) == SmppStatus.ESME_ROK;
         } catch (Exception e) {
            return false;
         }
      });
   }

   @Test
   void boundConnectionIsListedWithProtocolAndSystemId() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         String json = broker.server().getActiveMQServerControl().listConnections("", 1, 100);
         assertTrue(json.contains("\"protocol\":\"SMPP\""), json);
         assertTrue(json.contains("\"clientID\":\"smppclient1\""), json);
      }
   }

   @Test
   void requestsBeforeBindAreRefusedWithInvalidBindStatus() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(submit(5, "too early"));
         SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_RINVBNDSTS, resp.commandStatus());
         assertEquals(5, resp.sequenceNumber());
         client.send(new EnquireLink(6));
         assertInstanceOf(EnquireLinkResp.class, client.read());
      }
   }

   @Test
   void receiverCannotSubmit() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "smppclient1", "password", 0x34)));
         client.send(submit(2, "not allowed"));
         assertEquals(SmppStatus.ESME_RINVBNDSTS, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
      }
   }

   @Test
   void unknownCommandIdGetsGenericNack() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.sendBytes(hex("00000010000000ff000000000000000b"));
         GenericNack nack = assertInstanceOf(GenericNack.class, client.read());
         assertEquals(SmppStatus.ESME_RINVCMDID, nack.commandStatus());
         assertEquals(11, nack.sequenceNumber());
         // the session still works afterwards
         client.send(submit(12, "still alive"));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
      }
   }

   @Test
   void truncatedBodyIsAnsweredWithInvalidCommandLength() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         // submit_sm whose body stops inside source_addr (no NUL terminator)
         client.sendBytes(hex("0000001500000004000000000000000d0001013836"));
         SmppPdu answer = client.read();
         assertEquals(13, answer.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVCMDLEN, answer.commandStatus());
      }
   }

   @Test
   void commandLengthOutsideTheLimitsClosesTheConnectionButNotOthers() throws Exception {
      try (RawSmppClient healthy = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(healthy, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         try (RawSmppClient tooShort = new RawSmppClient(broker.port())) {
            tooShort.sendBytes(hex("0000000a000000020000000000000001"));
            assertTrue(tooShort.closedByServer(10_000));
         }
         try (RawSmppClient tooLong = new RawSmppClient(broker.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(tooLong, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
            tooLong.sendBytes(hex("00100000000000040000000000000002"));
            assertTrue(tooLong.closedByServer(10_000));
         }
         healthy.send(submit(3, "unaffected"));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, healthy.read()).commandStatus());
      }
   }

   @Test
   void enquireLinkIsAnsweredAndUnansweredReadsStayQuiet() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.send(new EnquireLink(42));
         EnquireLinkResp resp = assertInstanceOf(EnquireLinkResp.class, client.read());
         assertEquals(42, resp.sequenceNumber());
         assertNull(client.read(200));
      }
   }

   @Test
   void aMessageInBothShortMessageAndMessagePayloadIsRefusedForSubmitSmAndSubmitMulti() throws Exception {
      Tlvs payload = Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, "the payload".getBytes(StandardCharsets.US_ASCII)).build();
      Address source = new Address((byte) 1, (byte) 1, "8610086");
      Address destination = new Address((byte) 1, (byte) 1, "8613800138000");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.send(ShortMessagePdu.builder().sequenceNumber(300).sourceAddr(source).destinationAddr(destination)
            .shortMessage("the short message".getBytes(StandardCharsets.US_ASCII)).tlvs(payload).buildSubmitSm());
         assertEquals(SmppStatus.ESME_RINVPARLEN, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());

         client.send(new SubmitMulti(301, "", source, List.of(new DestinationAddress.Sme(destination)), 0, 0, 0, "", "", 0, 0,
            0, 0, "the short message".getBytes(StandardCharsets.US_ASCII), payload));
         SubmitMultiResp multi = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(301, multi.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVPARLEN, multi.commandStatus(), "which of the two texts was meant is not known");

         // Either carrier alone is accepted.
         client.send(new SubmitMulti(302, "", source, List.of(new DestinationAddress.Sme(destination)), 0, 0, 0, "", "", 0, 0,
            0, 0, new byte[0], payload));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
      }
   }

   /** A submit_sm written byte by byte: the codec would refuse to encode an address longer than the spec allows. */
   private static byte[] rawSubmit(int sequence, String source, String destination) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      body.write(0); // service_type
      body.write(1);
      body.write(1);
      body.writeBytes((source + "\0").getBytes(StandardCharsets.US_ASCII));
      body.write(1);
      body.write(1);
      body.writeBytes((destination + "\0").getBytes(StandardCharsets.US_ASCII));
      body.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}); // esm_class .. sm_length, short_message
      java.nio.ByteBuffer pdu = java.nio.ByteBuffer.allocate(16 + body.size());
      pdu.putInt(16 + body.size()).putInt(0x00000004).putInt(0).putInt(sequence).put(body.toByteArray());
      return pdu.array();
   }

   @Test
   void addressesLongerThanASubmitSmCanCarryAreRefusedAtOnce() throws Exception {
      String shortEnough = "8".repeat(20);
      String tooLong = "8".repeat(21);
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.sendBytes(rawSubmit(310, shortEnough, tooLong));
         assertEquals(SmppStatus.ESME_RINVDSTADR, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         client.sendBytes(rawSubmit(311, tooLong, shortEnough));
         assertEquals(SmppStatus.ESME_RINVSRCADR, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         client.sendBytes(rawSubmit(312, shortEnough, shortEnough));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
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

   /** submit_multi to one SME and one distribution list, its fields written as given. */
   private static byte[] rawSubmitMulti(int sequence, String sme, String dlName) {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      cString(body, ""); // service_type
      body.write(1);
      body.write(1);
      cString(body, "8610086");
      body.write(2); // number_of_dests
      body.write(1); // dest_flag: SME address
      body.write(1);
      body.write(1);
      cString(body, sme);
      body.write(2); // dest_flag: distribution list
      cString(body, dlName);
      body.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'x'}); // esm_class .. sm_length, short_message
      return rawPdu(io.smsgw.smpp.codec.SmppCommandId.SUBMIT_MULTI, sequence, body);
   }

   @Test
   void aDistributionListNameTooLongToEchoRefusesTheSubmitMultiAndTheConnectionStays() throws Exception {
      String sme = "8613800138000";
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.sendBytes(rawSubmitMulti(320, sme, "a-list-of-twenty-five-ch"));
         SubmitMultiResp refused = assertInstanceOf(SubmitMultiResp.class, client.read(), "answered, not closed");
         assertEquals(320, refused.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVDLNAME, refused.commandStatus(), "refused whole: nothing stored for the SME");
         assertEquals("", refused.messageId());

         // A name the unsuccess list holds is reported there, the SME part accepted, as before.
         client.sendBytes(rawSubmitMulti(321, sme, "twenty-characters-dl"));
         SubmitMultiResp accepted = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, accepted.commandStatus());
         assertEquals(1, accepted.unsuccessSmes().size());
         assertEquals("twenty-characters-dl", accepted.unsuccessSmes().get(0).destAddr().address());
         assertEquals(SmppStatus.ESME_RCNTSUBDL, accepted.unsuccessSmes().get(0).errorStatusCode(), "lists are not served");
         client.send(new EnquireLink(322));
         assertInstanceOf(EnquireLinkResp.class, client.read());
      }
   }

   @Test
   void aMessageIdTooLongToEchoIsRefusedWithInvalidMessageIdAndTheConnectionStays() throws Exception {
      String tooLong = "f".repeat(65);
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         java.io.ByteArrayOutputStream query = new java.io.ByteArrayOutputStream();
         cString(query, tooLong);
         query.write(1);
         query.write(1);
         cString(query, "8610086");
         client.sendBytes(rawPdu(io.smsgw.smpp.codec.SmppCommandId.QUERY_SM, 330, query));
         io.smsgw.smpp.codec.QuerySmResp queried = assertInstanceOf(io.smsgw.smpp.codec.QuerySmResp.class, client.read(),
                                                                    "answered, not closed");
         assertEquals(330, queried.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVMSGID, queried.commandStatus());
         assertEquals("", queried.messageId(), "the id is not echoed");

         java.io.ByteArrayOutputStream cancel = new java.io.ByteArrayOutputStream();
         cString(cancel, ""); // service_type
         cString(cancel, tooLong);
         cancel.writeBytes(new byte[] {1, 1, 0, 1, 1, 0}); // empty source and destination addresses
         client.sendBytes(rawPdu(io.smsgw.smpp.codec.SmppCommandId.CANCEL_SM, 331, cancel));
         SmppPdu cancelled = client.read();
         assertEquals(331, cancelled.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVMSGID, cancelled.commandStatus());

         java.io.ByteArrayOutputStream replace = new java.io.ByteArrayOutputStream();
         cString(replace, tooLong);
         replace.write(1);
         replace.write(1);
         cString(replace, "8610086");
         replace.writeBytes(new byte[] {0, 0, 0, 0, 1, 'x'}); // two empty times, registered_delivery, sm_default_msg_id, sm_length, text
         client.sendBytes(rawPdu(io.smsgw.smpp.codec.SmppCommandId.REPLACE_SM, 332, replace));
         SmppPdu replaced = client.read();
         assertEquals(332, replaced.sequenceNumber());
         assertEquals(SmppStatus.ESME_RINVMSGID, replaced.commandStatus());

         client.send(new EnquireLink(333));
         assertInstanceOf(EnquireLinkResp.class, client.read());
      }
   }

   private static SubmitSm timedSubmit(int sequence, String schedule, String validity) {
      return ShortMessagePdu.builder().sequenceNumber(sequence)
         .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
         .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
         .scheduleDeliveryTime(schedule).validityPeriod(validity)
         .shortMessage("timed".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   @Test
   void aValidityPeriodAlreadyPastOrNotAfterTheScheduleIsRefusedWithInvalidExpiry() throws Exception {
      String past = "200101000000000+"; // 1 January 2020, UTC
      String inOneHour = "000000010000000R";
      String inTwoHours = "000000020000000R";
      Address source = new Address((byte) 1, (byte) 1, "8610086");
      List<DestinationAddress> destinations = List.of(new DestinationAddress.Sme(new Address((byte) 1, (byte) 1, "8613800138000")));
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         client.send(timedSubmit(340, "", past));
         assertEquals(SmppStatus.ESME_RINVEXPIRY, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                      "not taken, to be reported EXPIRED later");
         client.send(timedSubmit(341, inTwoHours, inOneHour));
         assertEquals(SmppStatus.ESME_RINVEXPIRY, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                      "it would expire before it is due");
         client.send(new SubmitMulti(342, "", source, destinations, 0, 0, 0, "", past, 0, 0, 0, 0,
                                     "timed".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         assertEquals(SmppStatus.ESME_RINVEXPIRY, assertInstanceOf(SubmitMultiResp.class, client.read()).commandStatus());
         client.send(timedSubmit(343, inOneHour, inTwoHours));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         client.send(timedSubmit(344, "", inOneHour));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
      }
   }

   @Test
   void submitsOverTheAccountRateAreThrottled() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "limited", "pw", 0x34)));
         int throttled = 0;
         for (int i = 1; i <= 5; i++) {
            client.send(submit(100 + i, "burst " + i));
         }
         for (int i = 1; i <= 5; i++) {
            if (assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus() == SmppStatus.ESME_RTHROTTLED) {
               throttled++;
            }
         }
         assertTrue(throttled >= 2, "limit is 2/s, 5 submits in a burst: " + throttled + " throttled");
      }
   }

   @Test
   void refusedSubmitsDoNotUseUpTheAccountRate() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "limited2", "pw", 0x34)));
         // Refused for the message itself (a user data header longer than the message), twice the account's 2 a
         // second in a burst: each must get its own refusal, not ESME_RTHROTTLED for permits the others took.
         for (int i = 1; i <= 4; i++) {
            client.send(ShortMessagePdu.builder().sequenceNumber(400 + i).esmClass(0x40)
               .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
               .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
               .shortMessage(new byte[] {5, 0, 3}).buildSubmitSm());
            assertEquals(SmppStatus.ESME_RINVESMCLASS, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                         "refused submit " + i);
         }
         for (int i = 1; i <= 2; i++) {
            client.send(submit(410 + i, "within the rate " + i));
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(), "submit " + i);
         }
      }
   }

   /**
    * A concatenation element naming no part (number above total, number 0, total 0) is refused as a malformed header
    * is: it was skipped, and the part went on as a whole message the handset cannot join (billed as one).
    */
   @Test
   void aSubmitWhoseConcatenationElementNamesNoPartIsRefused() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         byte[][] invalid = {{5, 0, 3, (byte) 0xA7, 2, 3, 'a', 'b'}, {5, 0, 3, (byte) 0xA7, 2, 0, 'a', 'b'}, {5, 0, 3, (byte) 0xA7, 0, 1, 'a', 'b'}};
         for (int i = 0; i < invalid.length; i++) {
            client.send(ShortMessagePdu.builder().sequenceNumber(500 + i).esmClass(0x40)
               .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
               .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
               .shortMessage(invalid[i]).buildSubmitSm());
            assertEquals(SmppStatus.ESME_RINVESMCLASS, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(),
                         "invalid element " + i);
         }
         client.send(ShortMessagePdu.builder().sequenceNumber(510).esmClass(0x40)
            .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
            .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
            .shortMessage(new byte[] {5, 0, 3, (byte) 0xA7, 2, 2, 'a', 'b'}).buildSubmitSm());
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus(), "part 2 of 2");
      }
   }

   @Test
   void submitsBeyondTheDailyQuotaAreRefusedWithTheVendorStatusAndRefusedSubmitsDoNotCount() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "quota1", "pw", 0x34)));
         // Refused after the account's rules were checked (a user data header longer than the message): it must
         // not use up any of the day's quota.
         client.send(ShortMessagePdu.builder().sequenceNumber(200).esmClass(0x40)
            .sourceAddr(new Address((byte) 1, (byte) 1, "8610086"))
            .destinationAddr(new Address((byte) 1, (byte) 1, "8613800138000"))
            .shortMessage(new byte[] {5, 0, 3}).buildSubmitSm());
         assertEquals(SmppStatus.ESME_RINVESMCLASS, assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus());
         for (int i = 1; i <= 3; i++) {
            client.send(submit(200 + i, "quota " + i));
            int status = assertInstanceOf(SubmitSmResp.class, client.read()).commandStatus();
            assertEquals(i <= 2 ? SmppStatus.ESME_ROK : SmppSubmitHandler.STATUS_DAILY_QUOTA_EXHAUSTED, status, "submit " + i);
         }
      }
   }

   @Test
   void deliveriesStayWithinTheWindowAndRefusedOnesComeAgain() throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      sendMo(broker, queue, "mo 1", "mo 2", "mo 3");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
         DeliverSm second = assertInstanceOf(DeliverSm.class, client.read());
         assertNull(client.read(300), "window of 2: the third waits for a response");
         // refuse the first: it must come back; accept everything else
         client.send(new DeliverSmResp(first.sequenceNumber(), SmppStatus.ESME_RX_T_APPN, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
         client.send(new DeliverSmResp(second.sequenceNumber(), SmppStatus.ESME_ROK, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
         java.util.List<String> accepted = new java.util.ArrayList<>();
         accepted.add(new String(second.shortMessage(), StandardCharsets.US_ASCII));
         while (accepted.size() < 3) {
            DeliverSm next = assertInstanceOf(DeliverSm.class, client.read());
            accepted.add(new String(next.shortMessage(), StandardCharsets.US_ASCII));
            client.send(new DeliverSmResp(next.sequenceNumber(), SmppStatus.ESME_ROK, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
         }
         assertTrue(accepted.containsAll(java.util.List.of("mo 1", "mo 2", "mo 3")), accepted.toString());
         Wait.until("queue drained", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
      }
   }

   @Test
   void sequenceNumbersWrapFrom7fffffffToOneOnceSoNoDeliveryTakesAnotherOnesAnswer(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker wrapping = TestBroker.smpp(dir, ";smppWindowSize=2").start()) {
         SmppLoginPenaltyTest.manager(wrapping).startSequencesAfter(0x7FFFFFFD);
         sendMo(wrapping, queue, "mo 1", "mo 2", "mo 3", "mo 4");
         try (RawSmppClient client = new RawSmppClient(wrapping.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            List<Integer> sequences = new java.util.ArrayList<>();
            java.util.Set<String> texts = new java.util.HashSet<>();
            for (int round = 0; round < 2; round++) {
               // A window of 2 each time: the two after the wrap are in flight together.
               DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
               DeliverSm second = assertInstanceOf(DeliverSm.class, client.read());
               for (DeliverSm d : List.of(first, second)) {
                  sequences.add(d.sequenceNumber());
                  texts.add(new String(d.shortMessage(), StandardCharsets.US_ASCII));
               }
               client.send(new DeliverSmResp(first.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
               client.send(new DeliverSmResp(second.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            }
            assertEquals(List.of(0x7FFFFFFE, 0x7FFFFFFF, 1, 2), sequences);
            assertEquals(java.util.Set.of("mo 1", "mo 2", "mo 3", "mo 4"), texts);
            Wait.until("every MO acknowledged by its own answer", Duration.ofSeconds(10), () -> wrapping.messageCount(queue) == 0);
            assertNull(client.read(300), "nothing comes again");
         }
      }
   }

   @Test
   void aLongMoGoesAsPartsWithinTheWindowAndARefusedPartBringsItAllBack() throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      String text = SmppInteropTest.gsmText(400); // 153 + 153 + 94 GSM characters
      sendLongMo(queue, text, "00000000000001e5");
      int reference = io.smsgw.core.concat.SplitReference.of("00000000000001e5");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         SmppInteropTest.Reassembly firstRound = new SmppInteropTest.Reassembly();
         DeliverSm part1 = assertInstanceOf(DeliverSm.class, client.read());
         DeliverSm part2 = assertInstanceOf(DeliverSm.class, client.read());
         assertNull(client.read(300), "window of 2 deliver_sm, parts included: the third part waits");
         client.send(new DeliverSmResp(part1.sequenceNumber(), SmppStatus.ESME_RX_T_APPN, "", Tlvs.EMPTY));
         DeliverSm part3 = assertInstanceOf(DeliverSm.class, client.read());
         client.send(new DeliverSmResp(part2.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         client.send(new DeliverSmResp(part3.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         for (DeliverSm part : List.of(part1, part2, part3)) {
            assertEquals(reference, firstRound.add(part.esmClass(), part.dataCoding(), part.shortMessage(), part.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)));
         }
         assertEquals(text, firstRound.text(reference), "three parts, cut between characters");

         // Part 1 was refused: the whole MO comes again under the same reference, parts 2 and 3 included.
         SmppInteropTest.Reassembly secondRound = new SmppInteropTest.Reassembly();
         while (!secondRound.complete(reference)) {
            DeliverSm part = assertInstanceOf(DeliverSm.class, client.read());
            assertEquals(reference, secondRound.add(part.esmClass(), part.dataCoding(), part.shortMessage(), false));
            client.send(new DeliverSmResp(part.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         }
         assertEquals(text, secondRound.text(reference));
         Wait.until("acknowledged once every part got ESME_ROK", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         assertNull(client.read(300), "delivered complete once more, nothing after");
      }
   }

   @Test
   void noPartOfALongMoGoesOutAfterUnbindAndTheWholeMoComesOnTheNextBind() throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      String text = SmppInteropTest.gsmText(400); // three parts
      sendLongMo(queue, text, "00000000000001e7");
      int reference = io.smsgw.core.concat.SplitReference.of("00000000000001e7");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         DeliverSm part1 = assertInstanceOf(DeliverSm.class, client.read());
         assertInstanceOf(DeliverSm.class, client.read());
         // The ESME unbinds, and answers part 1 while unbinding: that frees room in the window of 2, but part 3
         // must not go out (together in one write, the answer is read before unbind_resp can be sent).
         client.sendTogether(new Unbind(500), new DeliverSmResp(part1.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         SmppPdu next = client.read();
         assertInstanceOf(UnbindResp.class, next, "no deliver_sm after unbind, got " + next.commandName());
         assertTrue(client.closedByServer(10_000));
      }
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         SmppInteropTest.Reassembly again = new SmppInteropTest.Reassembly();
         while (!again.complete(reference)) {
            DeliverSm part = assertInstanceOf(DeliverSm.class, client.read());
            assertEquals(reference, again.add(part.esmClass(), part.dataCoding(), part.shortMessage(), false));
            client.send(new DeliverSmResp(part.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         }
         assertEquals(text, again.text(reference), "the whole MO on the next bind");
         Wait.until("acknowledged once every part got ESME_ROK", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
         assertNull(client.read(300), "nothing after it");
      }
   }

   /**
    * The ESME answers the deliver_sm it has and unbinds in one write, while the broker is handing over the next MO
    * (held at that step until the gateway reads the unbind) and a third waits on the queue. The MO handed over then
    * was written after the unbind, before unbind_resp: no deliver_sm may follow an unbind, and both MO must come on the
    * next bind, the answered one not again.
    */
   @Test
   void noDeliverSmHandedOverWhileTheUnbindIsReadGoesOutAndItComesOnTheNextBind(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      DeliveryHold hold = new DeliveryHold(message -> "00000000000000b2".equals(message.getStringProperty("smsId")));
      try (TestBroker own = TestBroker.smpp(dir, ";smppWindowSize=2").configure(cfg -> cfg.registerBrokerPlugin(hold)).start()) {
         own.server().getRemotingService().addIncomingInterceptor((SmppInterceptor) (pdu, connection) -> {
            if (pdu instanceof Unbind) {
               hold.release(); // on the event loop, as it reads the unbind
            }
            return true;
         });
         sendMos(own, queue, "00000000000000b1", "00000000000000b2", "00000000000000b3");
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
            assertEquals("mo b1", new String(first.shortMessage(), StandardCharsets.US_ASCII));
            hold.awaitHeld();
            client.sendTogether(new DeliverSmResp(first.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY), new Unbind(500));
            SmppPdu next = client.read();
            assertInstanceOf(UnbindResp.class, next, "no deliver_sm after unbind, got " + next.commandName());
            assertThrows(java.io.IOException.class, () -> client.read(10_000), "nothing after unbind_resp; the connection closes");
         }
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            java.util.Set<String> again = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
               DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
               again.add(new String(mo.shortMessage(), StandardCharsets.US_ASCII));
               client.send(new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            }
            assertEquals(java.util.Set.of("mo b2", "mo b3"), again, "the MO not answered, on the next bind");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
            assertNull(client.read(300), "the answered MO not again");
         }
      }
   }

   /**
    * The broker's hand-over of an MO to an ESME is held (a queue thread slow to get there) while the ESME ends its
    * session, by unbind or by dropping the connection. Stopping and closing the broker session waits for that
    * hand-over; it must not do so on the event loop, which also reads the other ESME's connection here (one event
    * loop for the acceptor): its enquire_link is answered while the hold lasts. Once the hand-over goes on, the
    * session ends as before, and every MO not answered comes on the next bind.
    */
   @org.junit.jupiter.params.ParameterizedTest
   @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
   void anEsmeEndingItsSessionDuringAHeldHandOverDoesNotHoldUpTheOtherConnectionsOfItsEventLoop(
         boolean unbind, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      DeliveryHold hold = new DeliveryHold(message -> "00000000000000d2".equals(message.getStringProperty("smsId")));
      java.util.concurrent.CountDownLatch ending = new java.util.concurrent.CountDownLatch(1);
      org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin closing =
         new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerSessionPlugin() {
            @Override
            public void beforeCloseSession(org.apache.activemq.artemis.core.server.ServerSession session, boolean failed) {
               if ("limited".equals(session.getUsername())) {
                  ending.countDown(); // the close after the dropped connection has begun
               }
            }
         };
      try (TestBroker own = TestBroker.smpp(dir, ";smppWindowSize=2;remotingThreads=1")
              .configure(cfg -> {
                 cfg.registerBrokerPlugin(hold);
                 cfg.registerBrokerPlugin(closing);
              }).start()) {
         own.server().getRemotingService().addIncomingInterceptor((SmppInterceptor) (pdu, connection) -> {
            if (pdu instanceof Unbind) {
               ending.countDown(); // on the event loop, before the session acts on the unbind
            }
            return true;
         });
         sendMos(own, queue, "00000000000000d1", "00000000000000d2", "00000000000000d3");
         try (RawSmppClient other = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(other, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
            RawSmppClient client = new RawSmppClient(own.port());
            try {
               assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
               DeliverSm first = assertInstanceOf(DeliverSm.class, client.read());
               assertEquals("mo d1", new String(first.shortMessage(), StandardCharsets.US_ASCII));
               hold.awaitHeld();
               if (unbind) {
                  client.sendTogether(new DeliverSmResp(first.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY), new Unbind(600));
               } else {
                  client.close();
               }
               assertTrue(ending.await(10, java.util.concurrent.TimeUnit.SECONDS), "the session is ending");
               other.send(new EnquireLink(601));
               // Well within the hold (30 s at most): before the fix this event loop waited for the hand-over.
               SmppPdu probe = other.read(10_000);
               assertInstanceOf(EnquireLinkResp.class, probe, "the other ESME answered while the hand-over is held");
               assertTrue(own.hasSessionOf("limited"), "the hand-over is still held, so the session has not ended yet");
               hold.release();
               if (unbind) {
                  SmppPdu next = client.read();
                  assertInstanceOf(UnbindResp.class, next, "unbind answered once the hand-over went on, got " + next.commandName());
                  assertTrue(client.closedByServer(10_000), "nothing after unbind_resp; the connection closes");
               }
            } finally {
               client.close();
            }
            Wait.until("the session closed", Duration.ofSeconds(10), () -> !own.hasSessionOf("limited"));
            other.send(new Unbind(602));
            assertInstanceOf(UnbindResp.class, other.read());
         }
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            java.util.Set<String> again = new java.util.HashSet<>();
            int expected = unbind ? 2 : 3;
            for (int i = 0; i < expected; i++) {
               DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
               again.add(new String(mo.shortMessage(), StandardCharsets.US_ASCII));
               client.send(new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            }
            assertEquals(unbind ? java.util.Set.of("mo d2", "mo d3") : java.util.Set.of("mo d1", "mo d2", "mo d3"), again,
                         "every MO not answered, on the next bind");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
            assertNull(client.read(300), "an answered MO not again");
         }
      }
   }

   /**
    * The ESME has three deliver_sm and unbinds before it answers them: its deliver_sm_resp follow the unbind in the
    * same write, in a write of their own, or only once it has read unbind_resp (before it closes the socket). Each
    * answer acknowledges its MO: none comes again on the next bind. Before, the broker session closed at once on
    * unbind and the answers found their MO back on the queue.
    */
   @org.junit.jupiter.params.ParameterizedTest
   @org.junit.jupiter.params.provider.ValueSource(strings = {"with the unbind", "after the unbind", "after unbind_resp"})
   void deliverSmRespsSentAfterTheUnbindAcknowledgeTheirMos(String when, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker own = TestBroker.smpp(dir, ";smppWindowSize=5;smppUnbindDrainTimeout=300").start()) {
         sendMos(own, queue, "00000000000000f1", "00000000000000f2", "00000000000000f3");
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            SmppPdu[] answers = new SmppPdu[3];
            for (int i = 0; i < answers.length; i++) {
               DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
               answers[i] = new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY);
            }
            Unbind unbind = new Unbind(700);
            switch (when) {
               case "with the unbind" -> {
                  client.sendTogether(unbind, answers[0], answers[1], answers[2]);
                  assertInstanceOf(UnbindResp.class, client.read());
               }
               case "after the unbind" -> {
                  client.send(unbind);
                  client.sendTogether(answers);
                  assertInstanceOf(UnbindResp.class, client.read());
               }
               default -> {
                  // The gateway waits up to smppUnbindDrainTimeout for them, then answers the unbind; they still count
                  // until the socket closes.
                  client.send(unbind);
                  assertInstanceOf(UnbindResp.class, client.read());
                  client.sendTogether(answers);
               }
            }
            assertTrue(client.closedByServer(10_000), "the gateway closes once every deliver_sm is answered");
         }
         Wait.until("the three MO acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            assertNull(client.read(300), "no MO again on the next bind");
         }
      }
   }

   /**
    * An ESME that unbinds and never answers its deliver_sm still gets unbind_resp, after smppUnbindDrainTimeout (300 ms
    * here, far below the 30 s response timeout), and the connection closes; nothing is lost: the three MO come on the
    * next bind.
    */
   @Test
   void anEsmeThatNeverAnswersGetsUnbindRespAfterTheDrainTimeoutAndItsMosComeOnTheNextBind(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker own = TestBroker.smpp(dir, ";smppWindowSize=5;smppUnbindDrainTimeout=300").start()) {
         sendMos(own, queue, "00000000000000f4", "00000000000000f5", "00000000000000f6");
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            for (int i = 0; i < 3; i++) {
               assertInstanceOf(DeliverSm.class, client.read());
            }
            client.send(new Unbind(701));
            SmppPdu answer = client.read(10_000);
            assertInstanceOf(UnbindResp.class, answer, "unbind answered within the drain timeout, not the response timeout");
            assertTrue(client.closedByServer(10_000), "and the connection closed by the gateway");
         }
         try (RawSmppClient client = new RawSmppClient(own.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            java.util.Set<String> again = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) {
               DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
               again.add(new String(mo.shortMessage(), StandardCharsets.US_ASCII));
               client.send(new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            }
            assertEquals(java.util.Set.of("mo f4", "mo f5", "mo f6"), again, "every MO on the next bind");
            Wait.until("acknowledged", Duration.ofSeconds(10), () -> own.messageCount(queue) == 0);
         }
      }
   }

   /** MO "mo b1", ... with these smsIds, in this order. */
   private static void sendMos(TestBroker target, String queue, String... smsIds) throws Exception {
      try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(target.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(queue));
         for (String smsId : smsIds) {
            jakarta.jms.TextMessage mo = session.createTextMessage("mo " + smsId.substring(smsId.length() - 2));
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsId", smsId);
            mo.setStringProperty("smsSource", "8613800138000");
            mo.setStringProperty("smsDestination", "8610086");
            producer.send(mo);
         }
      }
   }

   @Test
   void answeringAShortMoLetsTheWaitingPartOfALongMoGoAtOnce() throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      sendMo(broker, queue, "short mo");
      String text = SmppInteropTest.gsmText(400); // three parts
      sendLongMo(queue, text, "00000000000001e9");
      int reference = io.smsgw.core.concat.SplitReference.of("00000000000001e9");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         // Window of 2: the short MO and part 1 go, parts 2 and 3 wait.
         DeliverSm a = assertInstanceOf(DeliverSm.class, client.read());
         DeliverSm b = assertInstanceOf(DeliverSm.class, client.read());
         DeliverSm shortMo = (a.esmClass() & 0x40) == 0 ? a : b;
         DeliverSm part1 = shortMo == a ? b : a;
         assertEquals("short mo", new String(shortMo.shortMessage(), StandardCharsets.US_ASCII));
         client.send(new DeliverSmResp(shortMo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         // Its answer frees a slot: part 2 goes now, not only once part 1 is answered or overdue (30 s).
         DeliverSm part2 = assertInstanceOf(DeliverSm.class, client.read(), "part 2 as soon as the window has room");
         client.send(new DeliverSmResp(part1.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         DeliverSm part3 = assertInstanceOf(DeliverSm.class, client.read());
         client.send(new DeliverSmResp(part2.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         client.send(new DeliverSmResp(part3.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
         SmppInteropTest.Reassembly received = new SmppInteropTest.Reassembly();
         for (DeliverSm part : List.of(part1, part2, part3)) {
            assertEquals(reference, received.add(part.esmClass(), part.dataCoding(), part.shortMessage(), false));
         }
         assertEquals(text, received.text(reference));
         Wait.until("both acknowledged", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 0);
      }
   }

   private static void sendLongMo(String queue, String text, String smsId) throws Exception {
      try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.TextMessage mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsId", smsId);
         mo.setStringProperty("smsSource", "8613800138000");
         mo.setStringProperty("smsDestination", "8610086");
         session.createProducer(session.createQueue(queue)).send(mo);
      }
   }

   /**
    * An SMSC's MO whose UDH only says "part 1 of 1", 153 GSM characters with an é, for an ESME whose default alphabet
    * is ASCII: UCS2 makes it 312 octets, which went as one deliver_sm in message_payload (3.4; a 3.3 ESME never got it).
    * The message is whole, so it is cut like any long MO: parts of at most 140 octets under a concatenation of the
    * gateway's own, the same parts when sent again.
    */
   @Test
   void aOnePartMoItsCodingMakesLongerThanOneSmsIsCutIntoPartsThatAreTheSameWhenSentAgain(
         @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      String text = "a".repeat(152) + "é";
      try (TestBroker ascii = TestBroker.smpp(dir, ";smppDefaultAlphabet=ASCII").start();
           jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(ascii.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.TextMessage mo = session.createTextMessage(text);
         mo.setStringProperty("smsKind", "MO");
         mo.setStringProperty("smsProtocol", "SMPP");
         mo.setStringProperty("smsId", "00000000000001f1");
         mo.setStringProperty("smsSource", "8613800138000");
         mo.setStringProperty("smsDestination", "8610086");
         mo.setIntProperty("smsDataCoding", 0);
         mo.setIntProperty("smsSegmentTotal", 1);
         ((org.apache.activemq.artemis.jms.client.ActiveMQMessage) mo).getCoreMessage().putBytesProperty(
            org.apache.activemq.artemis.api.core.SimpleString.of("smsUdh"), new byte[] {0x05, 0x00, 0x03, 0x3C, 0x01, 0x01});
         session.createProducer(session.createQueue(queue)).send(mo);

         List<DeliverSm> first;
         try (RawSmppClient client = new RawSmppClient(ascii.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            first = List.of(assertInstanceOf(DeliverSm.class, client.read()), assertInstanceOf(DeliverSm.class, client.read()));
         } // unanswered (window of 2): the MO comes again
         int reference = io.smsgw.core.concat.SplitReference.of("00000000000001f1");
         SmppInteropTest.Reassembly parts = new SmppInteropTest.Reassembly();
         try (RawSmppClient client = new RawSmppClient(ascii.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            for (int i = 0; !parts.complete(reference); i++) {
               DeliverSm part = assertInstanceOf(DeliverSm.class, client.read());
               assertEquals(reference, parts.add(part.esmClass(), part.dataCoding(), part.shortMessage(),
                                                 part.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)));
               if (i < first.size()) {
                  org.junit.jupiter.api.Assertions.assertArrayEquals(first.get(i).shortMessage(), part.shortMessage(),
                                                                     "part " + (i + 1) + " sent again");
               }
               client.send(new DeliverSmResp(part.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            }
            assertEquals(text, parts.text(reference), "UCS2 parts of 67 characters");
            Wait.until("acknowledged once every part got ESME_ROK", Duration.ofSeconds(10), () -> ascii.messageCount(queue) == 0);
         }
      }
   }

   @Test
   void aDeliverSmTheCodecRefusesIsDeadLetteredAndTheConnectionStays(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker dlq = TestBroker.smpp(dir, "").configure(TestBroker::withDeadLetterQueue).start();
           RawSmppClient client = new RawSmppClient(dlq.port());
           jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(dlq.coreUrl()).createConnection()) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(queue));
         // source_addr holds 20 characters: this MO (e.g. from an SMSC's data_sm) cannot be a deliver_sm
         String[] sources = {"1234567890123456789012345", "8613800138000"};
         for (String source : sources) {
            jakarta.jms.TextMessage mo = session.createTextMessage("from " + source);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", source);
            mo.setStringProperty("smsDestination", "8610086");
            producer.send(mo);
         }
         DeliverSm delivered = assertInstanceOf(DeliverSm.class, client.read());
         assertEquals("from 8613800138000", new String(delivered.shortMessage(), StandardCharsets.US_ASCII));
         client.send(new DeliverSmResp(delivered.sequenceNumber(), SmppStatus.ESME_ROK, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
         client.send(new EnquireLink(9));
         assertInstanceOf(EnquireLinkResp.class, client.read(), "the connection is still up");
         Wait.until("the unfit MO dead-lettered, the queue empty", Duration.ofSeconds(10),
                    () -> dlq.messageCount(TestBroker.DEAD_LETTERS) == 1 && dlq.messageCount(queue) == 0);
         assertFalse(client.closedByServer(300));
      }
   }

   @Test
   void anMoTheEsmeRefusesForGoodIsDeadLetteredAtOnceAndNotOfferedAgain(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker dlq = TestBroker.smpp(dir, ";smppWindowSize=3").configure(TestBroker::withDeadLetterQueue).start();
           io.smsgw.broker.testing.LogCapture log = io.smsgw.broker.testing.LogCapture.start()) {
         sendMo(dlq, queue, "permanent", "reject", "taken");
         try (RawSmppClient client = new RawSmppClient(dlq.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            for (int i = 0; i < 3; i++) {
               DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
               int status = switch (new String(mo.shortMessage(), StandardCharsets.US_ASCII)) {
                  case "permanent" -> SmppStatus.ESME_RX_P_APPN;
                  case "reject" -> SmppStatus.ESME_RX_R_APPN;
                  default -> SmppStatus.ESME_ROK;
               };
               client.send(new DeliverSmResp(mo.sequenceNumber(), status, "", Tlvs.EMPTY));
            }
            Wait.until("both refused MOs dead-lettered, the queue empty", Duration.ofSeconds(10),
                       () -> dlq.messageCount(TestBroker.DEAD_LETTERS) == 2 && dlq.messageCount(queue) == 0);
            assertNull(client.read(300), "a message refused for good is not offered again");
            assertEquals(1, log.count("WARN", "refused for good by 'limited'", "ESME_RX_P_APPN"));
            assertEquals(1, log.count("WARN", "refused for good by 'limited'", "ESME_RX_R_APPN"));
         }
      }
   }

   @Test
   void aLongMoWithAPartRefusedForGoodIsDeadLetteredWholeOnceEveryPartIsAnswered(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      try (TestBroker dlq = TestBroker.smpp(dir, ";smppWindowSize=3").configure(TestBroker::withDeadLetterQueue).start()) {
         try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(dlq.coreUrl()).createConnection()) {
            jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.TextMessage mo = session.createTextMessage(SmppInteropTest.gsmText(400)); // three parts
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsId", "00000000000001e6");
            mo.setStringProperty("smsSource", "8613800138000");
            mo.setStringProperty("smsDestination", "8610086");
            session.createProducer(session.createQueue(queue)).send(mo);
         }
         try (RawSmppClient client = new RawSmppClient(dlq.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            DeliverSm part1 = assertInstanceOf(DeliverSm.class, client.read());
            DeliverSm part2 = assertInstanceOf(DeliverSm.class, client.read());
            DeliverSm part3 = assertInstanceOf(DeliverSm.class, client.read());
            client.send(new DeliverSmResp(part1.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            client.send(new DeliverSmResp(part2.sequenceNumber(), SmppStatus.ESME_RX_R_APPN, "", Tlvs.EMPTY));
            assertEquals(0, dlq.messageCount(TestBroker.DEAD_LETTERS), "not before its last part is answered");
            client.send(new DeliverSmResp(part3.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            Wait.until("the whole MO dead-lettered, the queue empty", Duration.ofSeconds(10),
                       () -> dlq.messageCount(TestBroker.DEAD_LETTERS) == 1 && dlq.messageCount(queue) == 0);
            assertNull(client.read(300), "no part comes again");
         }
      }
   }

   /** A receiver bind of esme2 (max-sessions 1) whose answer is not waited for. */
   private static RawSmppClient bindUnanswered(int port) throws Exception {
      RawSmppClient client = new RawSmppClient(port);
      client.send(bind(BindType.RECEIVER, "esme2", "secret2", 0x34));
      return client;
   }

   @Test
   void aSessionCreatedAfterTheSocketClosedIsNotLeftBehind(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("esme2");
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(TestBroker.smpp(dir, ""), SmppAcceptorTest::bindUnanswered, SessionCreationGate.Then.CREATE)) {
         Wait.until("no session and no consumer left for esme2", Duration.ofSeconds(10),
                    () -> !racing.hasSessionOf("esme2") && racing.consumerCount(queue) == 0,
                    () -> "session of esme2: " + racing.hasSessionOf("esme2") + ", consumers: " + racing.consumerCount(queue)
                       + ", connections: " + racing.server().getRemotingService().getConnections().size());
      }
   }

   @Test
   void aSessionWhoseConsumerFailsAfterTheSocketClosedIsNotLeftBehind(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(TestBroker.smpp(dir, ""), SmppAcceptorTest::bindUnanswered,
                                                                     SessionCreationGate.Then.FAIL_CONSUMER)) {
         Wait.until("no session left for esme2", Duration.ofSeconds(10), () -> !racing.hasSessionOf("esme2"));
      }
   }

   @Test
   void aBindFailingAfterTheSocketClosedGivesItsSessionBackOnce(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker racing = SessionCreationGate.loginClosedMidway(TestBroker.smpp(dir, ""), SmppAcceptorTest::bindUnanswered, SessionCreationGate.Then.FAIL_SESSION);
           RawSmppClient first = new RawSmppClient(racing.port());
           RawSmppClient second = new RawSmppClient(racing.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(first, bind(BindType.RECEIVER, "esme2", "secret2", 0x34)));
         assertEquals(SmppStatus.ESME_RBINDFAIL, bindStatus(second, bind(BindType.RECEIVER, "esme2", "secret2", 0x34)),
                      "max-sessions 1 still holds");
      }
   }

   @Test
   void connectionsThatNeverBindAreClosed() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         // Some traffic first: a socket that sends nothing at all is the broker's handshake-timeout's business.
         client.send(new EnquireLink(1));
         assertInstanceOf(EnquireLinkResp.class, client.read());
         assertTrue(client.closedByServer(10_000), "closed after smppBindTimeout (1 s here)");
      }
   }

   @Test
   void silentPeersAreProbedWithEnquireLinkThenClosed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker quick = TestBroker.smpp(dir, ";smppEnquireLinkInterval=300;smppConnectionTtl=1500").start();
           RawSmppClient client = new RawSmppClient(quick.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         assertInstanceOf(EnquireLink.class, client.read(), "the gateway probes an idle ESME");
         assertTrue(client.closedByServer(10_000), "an ESME that never answers is disconnected");
         Wait.until("connection gone from management", Duration.ofSeconds(10),
                    () -> quick.server().getRemotingService().getConnections().isEmpty());
      }
   }

   @Test
   void unansweredDeliveriesTimeOutEvenWhenTheGatewayNeverProbes(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
      try (TestBroker quick = TestBroker.smpp(dir, ";smppEnquireLinkInterval=0;smppResponseTimeout=500;smppWindowSize=1").start()) {
         String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
         sendMo(quick, queue, "mo 1", "mo 2");
         try (RawSmppClient client = new RawSmppClient(quick.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.RECEIVER, "limited", "pw", 0x34)));
            DeliverSm unanswered = assertInstanceOf(DeliverSm.class, client.read());
            // Not answered: after smppResponseTimeout it goes back to the queue and the window frees again.
            DeliverSm again = assertInstanceOf(DeliverSm.class, client.read(10_000), "the window frees after the response timeout");
            assertEquals(new String(unanswered.shortMessage(), StandardCharsets.US_ASCII), new String(again.shortMessage(), StandardCharsets.US_ASCII),
                         "the unanswered message comes again first");
            client.send(new DeliverSmResp(again.sequenceNumber(), SmppStatus.ESME_ROK, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
            DeliverSm next = assertInstanceOf(DeliverSm.class, client.read());
            client.send(new DeliverSmResp(next.sequenceNumber(), SmppStatus.ESME_ROK, "", io.smsgw.smpp.codec.Tlvs.EMPTY));
            Wait.until("queue drained", Duration.ofSeconds(10), () -> quick.messageCount(queue) == 0);
            assertNull(client.read(300), "no enquire_link with an interval of 0");
         }
      }
   }

   @Test
   void whileUnbindingEnquireLinkIsAnsweredAndOtherRequestsAreRefusedWithInvalidBindStatus(@org.junit.jupiter.api.io.TempDir Path dir)
         throws Exception {
      String queue = io.smsgw.core.contract.SmsAddresses.accountQueue("limited");
      // A long drain: the unbind waits for the deliver_sm's answer, which the ESME gives only at the end.
      try (TestBroker slow = TestBroker.smpp(dir, ";smppUnbindDrainTimeout=20000;smppResponseTimeout=30000").start()) {
         sendMo(slow, queue, "answered last");
         try (RawSmppClient client = new RawSmppClient(slow.port())) {
            assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSCEIVER, "limited", "pw", 0x34)));
            DeliverSm mo = assertInstanceOf(DeliverSm.class, client.read());
            client.send(new Unbind(50));
            client.send(new EnquireLink(51));
            client.send(submit(52, "after the unbind"));
            EnquireLinkResp alive = assertInstanceOf(EnquireLinkResp.class, client.read(), "answered while unbinding");
            assertEquals(51, alive.sequenceNumber());
            SubmitSmResp refused = assertInstanceOf(SubmitSmResp.class, client.read());
            assertEquals(52, refused.sequenceNumber());
            assertEquals(SmppStatus.ESME_RINVBNDSTS, refused.commandStatus());
            client.send(new DeliverSmResp(mo.sequenceNumber(), SmppStatus.ESME_ROK, "", Tlvs.EMPTY));
            UnbindResp unbound = assertInstanceOf(UnbindResp.class, client.read());
            assertEquals(50, unbound.sequenceNumber());
            assertTrue(client.closedByServer(10_000));
         }
         Wait.until("the MO acknowledged by its answer", Duration.ofSeconds(10), () -> slow.messageCount(queue) == 0);
      }
   }

   @Test
   void unbindRespFollowsTheResponsesToEverySubmitBeforeIt() throws Exception {
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         assertEquals(SmppStatus.ESME_ROK, bindStatus(client, bind(BindType.TRANSMITTER, "smppclient1", "password", 0x34)));
         // Pipelined without reading: the submits' responses wait for the journal, the unbind needs nothing.
         for (int i = 1; i <= 5; i++) {
            client.send(submit(300 + i, "before unbind " + i));
         }
         client.send(new io.smsgw.smpp.codec.Unbind(400));
         for (int i = 1; i <= 5; i++) {
            SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read(), "submit_sm_resp " + i + " before unbind_resp");
            assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
            assertEquals(300 + i, resp.sequenceNumber());
         }
         assertEquals(400, assertInstanceOf(io.smsgw.smpp.codec.UnbindResp.class, client.read()).sequenceNumber());
         assertTrue(client.closedByServer(10_000));
      }
   }

   private static void sendMo(TestBroker target, String queue, String... texts) throws Exception {
      try (jakarta.jms.Connection jms = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(target.coreUrl()).createConnection()) {
         jakarta.jms.Session session = jms.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
         jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue(queue));
         for (String text : texts) {
            jakarta.jms.TextMessage mo = session.createTextMessage(text);
            mo.setStringProperty("smsKind", "MO");
            mo.setStringProperty("smsSource", "8613800138000");
            mo.setStringProperty("smsDestination", "8610086");
            producer.send(mo);
         }
      }
   }

   static byte[] hex(String s) {
      byte[] out = new byte[s.length() / 2];
      for (int i = 0; i < out.length; i++) {
         out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
      }
      return out;
   }
}
