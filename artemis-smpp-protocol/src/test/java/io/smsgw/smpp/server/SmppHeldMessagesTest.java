package io.smsgw.smpp.server;

import io.smsgw.broker.testing.HeldQueueStall;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.CancelSmResp;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.ReplaceSmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlvs;
import io.smsgw.smpp.codec.Unbind;
import io.smsgw.smpp.codec.UnbindResp;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** query_sm, replace_sm and cancel_sm on MT messages the gateway still holds on sms.mt. */
class SmppHeldMessagesTest {

   @TempDir
   Path dataDir;

   private static final Address ESME = new Address((byte) 1, (byte) 1, "8610086");
   private static final Address HANDSET = new Address((byte) 1, (byte) 1, "8613900139000");

   private static String submit(RawSmppClient client, int sequence, String text) throws Exception {
      client.send(ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(ESME).destinationAddr(HANDSET)
                     .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
      SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
      assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
      return resp.messageId();
   }

   @Test
   void heldMessagesCanBeQueriedReplacedAndCancelled() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         String kept = submit(client, 2, "original text");
         String dropped = submit(client, 3, "to be cancelled");

         client.send(new QuerySm(4, kept, ESME));
         QuerySmResp query = assertInstanceOf(QuerySmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, query.commandStatus());
         assertEquals(1, query.messageState(), "ENROUTE while held");

         client.send(new ReplaceSm(5, kept, ESME, "", "", 1, 0, "replaced text".getBytes(StandardCharsets.US_ASCII)));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus());

         client.send(new CancelSm(6, "", dropped, ESME, HANDSET));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(CancelSmResp.class, client.read()).commandStatus());
         client.send(new CancelSm(7, "", dropped, ESME, HANDSET));
         assertEquals(SmppStatus.ESME_RCANCELFAIL, assertInstanceOf(CancelSmResp.class, client.read()).commandStatus());
         client.send(new QuerySm(8, "ffffffffffffffff", ESME));
         assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, client.read()).commandStatus());

         Wait.until("one held message left", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 1);
         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage only = (TextMessage) session.createConsumer(session.createQueue(SmsAddresses.MT)).receive(10_000);
            assertEquals("replaced text", only.getText());
            assertEquals(kept, only.getStringProperty("smsId"));
            assertEquals(1, only.getIntProperty("smsRegisteredDelivery"));
         }
      }
   }

   @Test
   void replaceSmWithAValidityPeriodAlreadyPastIsRefusedAndTheMessageStaysAsItWas() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new SubmitMulti(2, "", ESME, List.of(new DestinationAddress.Sme(HANDSET)),
            0, 0, 0, "", "", 0, 0, 0, 0, "original text".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         SubmitMultiResp submitted = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, submitted.commandStatus());

         client.send(new ReplaceSm(3, submitted.messageId(), ESME, "", "200101000000000+", 0, 0,
                                   "replaced text".getBytes(StandardCharsets.US_ASCII)));
         assertEquals(SmppStatus.ESME_RINVEXPIRY, assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus());

         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage held = (TextMessage) session.createConsumer(session.createQueue(SmsAddresses.MT)).receive(10_000);
            assertEquals("original text", held.getText(), "still held as submitted, not set to expire");
         }
      }
   }

   @Test
   void replaceSmOnASubmitMultiReplacesTheTextForEveryDestination() throws Exception {
      Address other = new Address((byte) 1, (byte) 1, "8613900139001");
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new SubmitMulti(2, "", ESME, List.of(new DestinationAddress.Sme(HANDSET), new DestinationAddress.Sme(other)),
            0, 0, 0, "", "", 0, 0, 0, 0, "original text".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         SubmitMultiResp submitted = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, submitted.commandStatus());

         client.send(new ReplaceSm(3, submitted.messageId(), ESME, "", "", 0, 0, "replaced text".getBytes(StandardCharsets.US_ASCII)));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus());

         Wait.until("both destinations held", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 2);
         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer held = session.createConsumer(session.createQueue(SmsAddresses.MT));
            TextMessage first = (TextMessage) held.receive(10_000);
            TextMessage second = (TextMessage) held.receive(10_000);
            assertEquals("replaced text", first.getText());
            assertEquals("replaced text", second.getText());
            assertEquals(Set.of(HANDSET.address(), other.address()),
               Set.of(first.getStringProperty("smsDestination"), second.getStringProperty("smsDestination")));
         }
      }
   }

   /**
    * query_sm, replace_sm and cancel_sm sent with an unbind in one write, while the held queue's delivery is stuck (a
    * consumer hanging in a network write) until the broker session closes: every answer comes before unbind_resp.
    * The operations wait for the queue's intake and the unbind's close did not wait for them, so unbind_resp went out
    * first and the connection closed: the message was cancelled and the ESME never told.
    */
   @Test
   void answersToOperationsSentBeforeAnUnbindComeBeforeUnbindResp() throws Exception {
      HeldQueueStall stall = new HeldQueueStall("smppclient1");
      try (TestBroker broker = TestBroker.smpp(dataDir, "").configure(cfg -> cfg.registerBrokerPlugin(stall)).start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         String stuck = submit(client, 2, "stuck in a consumer's write");
         String target = submit(client, 3, "to be cancelled");
         String other = submit(client, 4, "original text");
         stall.hold(broker.server(), SmsAddresses.MT, message -> stuck.equals(message.getStringProperty(SmsProperties.ID)));

         client.sendBytes(wire(new QuerySm(5, target, ESME),
                               new ReplaceSm(6, other, ESME, "", "", 0, 0, "replaced text".getBytes(StandardCharsets.US_ASCII)),
                               new CancelSm(7, "", target, ESME, HANDSET),
                               new Unbind(8)));

         Map<Integer, SmppPdu> answers = new HashMap<>();
         for (int i = 0; i < 3; i++) {
            SmppPdu answer = client.read();
            assertTrue(answer.sequenceNumber() != 8, "unbind_resp came before the answer to " + (3 - i) + " operations");
            answers.put(answer.sequenceNumber(), answer);
         }
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(QuerySmResp.class, answers.get(5)).commandStatus());
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(ReplaceSmResp.class, answers.get(6)).commandStatus());
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(CancelSmResp.class, answers.get(7)).commandStatus());
         UnbindResp unbound = assertInstanceOf(UnbindResp.class, client.read());
         assertEquals(8, unbound.sequenceNumber());
         assertEquals(SmppStatus.ESME_ROK, unbound.commandStatus());
         assertTrue(client.closedByServer(10_000));
         Wait.until("only the replaced message held", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 1);
      }
   }

   @Test
   void anUnbindHeldUpBehindAStuckQueueEndsAtTheResponseTimeoutEvenIfTheEsmeKeepsTalking() throws Exception {
      HeldQueueStall stall = new HeldQueueStall("nobody"); // held until the broker stops: a consumer stuck for good
      try (TestBroker broker = TestBroker.smpp(dataDir, ";smppResponseTimeout=1000").configure(cfg -> cfg.registerBrokerPlugin(stall)).start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         String stuck = submit(client, 2, "stuck in a consumer's write");
         String target = submit(client, 3, "asked about");
         stall.hold(broker.server(), SmsAddresses.MT, message -> stuck.equals(message.getStringProperty(SmsProperties.ID)));

         client.sendBytes(wire(new QuerySm(4, target, ESME), new Unbind(5)));
         // The ESME keeps the connection busy with enquire_link while it waits.
         long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
         boolean closed = false;
         int sequence = 6;
         while (!closed && System.nanoTime() < deadline) {
            try {
               client.send(new io.smsgw.smpp.codec.EnquireLink(sequence++));
               closed = client.closedByServer(200);
            } catch (java.io.IOException e) {
               closed = true; // written to a socket the gateway had closed
            }
         }
         assertTrue(closed, "the gateway closed the connection within 10 s although the ESME kept sending enquire_link");
      }
   }

   /**
    * An ESME that sends replace_sm and then, without waiting for replace_sm_resp, query_sm, another replace_sm and
    * cancel_sm for the same scheduled message (all in one write, so the gateway reads them together) gets the answers
    * of operations done in that order: each sees the replacement before it, the cancel succeeds, and nothing is left to
    * be delivered. A later operation used to look the message up while the replace still had it off the queue, storing
    * its replacement: the query and the second replace found nothing, the cancel answered ESME_RCANCELFAIL and the
    * replacement was delivered although the ESME had cancelled it.
    */
   @Test
   void operationsPipelinedBehindAReplaceSeeTheReplacement() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(ShortMessagePdu.builder().sequenceNumber(2).sourceAddr(ESME).destinationAddr(HANDSET)
                        .scheduleDeliveryTime("000001000000000R") // in a day: held
                        .shortMessage("original text".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
         SubmitSmResp submitted = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, submitted.commandStatus());
         String id = submitted.messageId();

         client.sendTogether(new ReplaceSm(3, id, ESME, "", "", 0, 0, "first replacement".getBytes(StandardCharsets.US_ASCII)),
                             new QuerySm(4, id, ESME),
                             new ReplaceSm(5, id, ESME, "", "", 0, 0, "second replacement".getBytes(StandardCharsets.US_ASCII)),
                             new QuerySm(6, id, ESME),
                             new CancelSm(7, "", id, ESME, HANDSET),
                             new QuerySm(8, id, ESME));

         List<String> answers = new ArrayList<>();
         for (int i = 0; i < 6; i++) {
            SmppPdu answer = client.read();
            answers.add(answer.commandName() + " " + answer.sequenceNumber() + " " + SmppStatus.name(answer.commandStatus()));
         }
         assertEquals(List.of("replace_sm_resp 3 " + SmppStatus.name(SmppStatus.ESME_ROK),
                              "query_sm_resp 4 " + SmppStatus.name(SmppStatus.ESME_ROK),
                              "replace_sm_resp 5 " + SmppStatus.name(SmppStatus.ESME_ROK),
                              "query_sm_resp 6 " + SmppStatus.name(SmppStatus.ESME_ROK),
                              "cancel_sm_resp 7 " + SmppStatus.name(SmppStatus.ESME_ROK),
                              "query_sm_resp 8 " + SmppStatus.name(SmppStatus.ESME_RQUERYFAIL)),
                      answers, "answers in the order of the requests, each seeing the ones before it");

         // Every replace was answered, so any replacement it stored is in the queue by now: a query finds it if it is held.
         client.send(new QuerySm(9, id, ESME));
         assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, client.read()).commandStatus(),
                      "nothing of the cancelled message is held");
         Wait.until("nothing of the cancelled message left to deliver", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.MT) == 0);
      }
   }

   /**
    * A cancel_sm by source and destination sent in one write with the submit_sm before it cancels that message: the
    * gateway stores the submit first, answers it first, and only then looks for what to cancel. The cancel used to look
    * at once, while the submit was still on its way into the queue (nine times in ten), and the message was delivered.
    * A few rounds, as the first operation of a connection is slow enough to let the submit in either way.
    */
   @Test
   void aCancelPipelinedBehindItsSubmitCancelsIt() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         int sequence = 2;
         for (int round = 0; round < 5; round++) {
            Address handset = new Address((byte) 1, (byte) 1, "861390013900" + round);
            client.sendTogether(ShortMessagePdu.builder().sequenceNumber(sequence++).sourceAddr(ESME).destinationAddr(handset)
                                   .scheduleDeliveryTime("000001000000000R")
                                   .shortMessage("never mind".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm(),
                                new CancelSm(sequence++, "", "", ESME, handset));
            SubmitSmResp submitted = assertInstanceOf(SubmitSmResp.class, client.read(), "round " + round + ": the submit is answered first");
            assertEquals(SmppStatus.ESME_ROK, submitted.commandStatus());
            CancelSmResp cancelled = assertInstanceOf(CancelSmResp.class, client.read());
            assertEquals(SmppStatus.ESME_ROK, cancelled.commandStatus(), "round " + round + ": the cancel found the message submitted before it");

            client.send(new QuerySm(sequence++, submitted.messageId(), ESME));
            assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, client.read()).commandStatus(),
                         "round " + round + ": nothing of the cancelled message is held");
         }
         Wait.until("nothing of the cancelled messages left to deliver", Duration.ofSeconds(10),
                    () -> broker.messageCount(SmsAddresses.MT) == 0);
      }
   }

   /**
    * Submits with replace_if_present_flag 1 sent in one write, with a query_sm of the first behind them: they take
    * turns, each replacing the one before it, so only the last is left to be delivered and the query finds the first
    * gone. Were they not in turn, each could remove the other (nothing delivered) or neither (all delivered).
    */
   @Test
   void pipelinedReplacingSubmitsLeaveOnlyTheLast() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         String first = submit(client, 2, "code 1");
         client.sendTogether(replacing(3, "code 2"), replacing(4, "code 3"), replacing(5, "code 4"), new QuerySm(6, first, ESME));
         Map<Integer, SmppPdu> answers = new HashMap<>();
         for (int i = 0; i < 4; i++) {
            SmppPdu answer = client.read();
            answers.put(answer.sequenceNumber(), answer);
         }
         for (int sequence = 3; sequence <= 5; sequence++) {
            assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(SubmitSmResp.class, answers.get(sequence)).commandStatus());
         }
         assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, answers.get(6)).commandStatus(),
                      "the first code was replaced before the query");
         Wait.until("one message held", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 1);
         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage only = (TextMessage) session.createConsumer(session.createQueue(SmsAddresses.MT)).receive(10_000);
            assertEquals("code 4", only.getText());
         }
      }
   }

   private static SmppPdu replacing(int sequence, String text) {
      return ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(ESME).destinationAddr(HANDSET).replaceIfPresentFlag(1)
         .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm();
   }

   /** The PDUs as one write, so the broker reads them together. */
   private static byte[] wire(SmppPdu... pdus) {
      ByteBuf buf = Unpooled.buffer();
      try {
         for (SmppPdu pdu : pdus) {
            SmppCodec.encode(pdu, buf);
         }
         return ByteBufUtil.getBytes(buf);
      } finally {
         buf.release();
      }
   }

   /**
    * An ESME that asks about its message as soon as it has the submit response must find it: the gateway answered
    * the submit, so the message is held. The broker moves a new message into its queue's list on the queue's own
    * thread, after the submit may have been answered; a search that looked only at that list missed it in about
    * one try in twenty to a hundred (so the scenario is repeated, by four sessions at once, as ESMEs do).
    */
   @Test
   void aMessageIsFoundByEveryOperationRightAfterItsSubmitResponse() throws Exception {
      int sessions = 4;
      int rounds = 200;
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start()) {
         ExecutorService esmes = Executors.newFixedThreadPool(sessions);
         try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
               String name = "session " + s;
               running.add(esmes.submit(() -> {
                  submitAndAskAtOnce(broker, name, rounds, failures);
                  return null;
               }));
            }
            for (Future<?> session : running) {
               session.get(120, TimeUnit.SECONDS);
            }
         } finally {
            esmes.shutdownNow();
         }
         assertTrue(failures.isEmpty(), failures.size() + " of " + sessions * rounds * 5 + " operations did not find the message: " + failures);
         Wait.until("nothing left held", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 0);
      }
   }

   private static void submitAndAskAtOnce(TestBroker broker, String name, int rounds, List<String> failures) throws Exception {
      Address other = new Address((byte) 1, (byte) 1, "8613900139001");
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         int sequence = 2;
         for (int round = 0; round < rounds; round++) {
            String at = name + " round " + round + ": ";
            // submit_sm, then at once query_sm and cancel_sm
            String single = submit(client, sequence++, "single " + round);
            client.send(new QuerySm(sequence++, single, ESME));
            int status = assertInstanceOf(QuerySmResp.class, client.read()).commandStatus();
            if (status != SmppStatus.ESME_ROK) {
               failures.add(at + "query_sm after submit_sm got " + status);
            }
            client.send(new CancelSm(sequence++, "", single, ESME, HANDSET));
            status = assertInstanceOf(CancelSmResp.class, client.read()).commandStatus();
            if (status != SmppStatus.ESME_ROK) {
               failures.add(at + "cancel_sm after submit_sm got " + status);
            }

            // submit_multi, then at once replace_sm, query_sm of the replacement and cancel_sm of both destinations
            client.send(new SubmitMulti(sequence++, "", ESME, List.of(new DestinationAddress.Sme(HANDSET), new DestinationAddress.Sme(other)),
               0, 0, 0, "", "", 0, 0, 0, 0, ("multi " + round).getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
            SubmitMultiResp multi = assertInstanceOf(SubmitMultiResp.class, client.read());
            assertEquals(SmppStatus.ESME_ROK, multi.commandStatus());
            client.send(new ReplaceSm(sequence++, multi.messageId(), ESME, "", "", 0, 0, ("replaced " + round).getBytes(StandardCharsets.US_ASCII)));
            status = assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus();
            if (status != SmppStatus.ESME_ROK) {
               failures.add(at + "replace_sm after submit_multi got " + status);
            }
            client.send(new QuerySm(sequence++, multi.messageId(), ESME));
            status = assertInstanceOf(QuerySmResp.class, client.read()).commandStatus();
            if (status != SmppStatus.ESME_ROK) {
               failures.add(at + "query_sm after replace_sm got " + status);
            }
            client.send(new CancelSm(sequence++, "", multi.messageId(), ESME, new Address((byte) 0, (byte) 0, "")));
            status = assertInstanceOf(CancelSmResp.class, client.read()).commandStatus();
            if (status != SmppStatus.ESME_ROK) {
               failures.add(at + "cancel_sm after replace_sm got " + status);
            }
         }
      }
   }
}
