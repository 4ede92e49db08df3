package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smsgw.broker.Acceptors;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptor parameters the README documents are the ones the broker can set. */
class SmppAcceptorParametersTest {

   @Test
   void everyDocumentedParameterHasASetterAndAMisspeltOneIsReported() throws Exception {
      Map<String, Object> parameters = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
         if (line.startsWith("| `smpp")) {
            String name = line.substring(3, line.indexOf('`', 3));
            if (name.chars().allMatch(Character::isLetterOrDigit)) { // not a module name such as cmpp-interop-tests
               parameters.put(name, "1");
            }
         }
      }
      assertFalse(parameters.size() < 8, "the README's SMPP table was found: " + parameters.keySet());
      parameters.put("smppEnquireLinkIntreval", "1000");
      parameters.put("host", "0.0.0.0");
      assertEquals(List.of("smppEnquireLinkIntreval"), Acceptors.unknownParameters(SmppProtocolManager.class, parameters, "smpp"));
   }

   private static SmppProtocolManager create(TestBroker broker, String key, String value) throws Exception {
      Map<String, Object> parameters = new LinkedHashMap<>();
      parameters.put("protocols", "SMPP");
      parameters.put(key, value);
      return (SmppProtocolManager) new SmppProtocolManagerFactory().createProtocolManager(broker.server(), parameters, List.of(), List.of());
   }

   /**
    * The broker sets parameters with commons-beanutils, which read a value it could not parse as 0: a timeout
    * written as in sms-gateway.conf (30s) became 1 ms, so nearly every deliver_sm was put back and sent again.
    */
   @Test
   void aDurationWithAUnitIsReadAndAValueThatIsNoNumberIsRefusedByName(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         assertEquals(30_000, create(broker, "smppResponseTimeout", "30s").getSmppResponseTimeout());
         assertEquals(500, create(broker, "smppBindTimeout", "500ms").getSmppBindTimeout());
         assertEquals(120_000, create(broker, "smppConnectionTtl", "2m").getSmppConnectionTtl());
         assertEquals(45_000, create(broker, "smppEnquireLinkInterval", "45000").getSmppEnquireLinkInterval(), "a bare number is ms");
         assertEquals(0, create(broker, "smppEnquireLinkInterval", "0").getSmppEnquireLinkInterval(), "0 = never stays possible");

         IllegalArgumentException abc = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppResponseTimeout", "abc"));
         assertTrue(abc.getMessage().contains("smppResponseTimeout=abc"), abc.getMessage());
         assertTrue(abc.getMessage().contains("30s"), "says what is expected: " + abc.getMessage());
         IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppWindowSize", "10x"));
         assertTrue(window.getMessage().contains("smppWindowSize=10x"), window.getMessage());
         IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppMaxPduSize", "3000000000"));
         assertTrue(huge.getMessage().contains("smppMaxPduSize=3000000000"), huge.getMessage());
         IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppConnectionTtl", "-5s"));
         assertTrue(negative.getMessage().contains("smppConnectionTtl=-5s"), negative.getMessage());
         IllegalArgumentException alphabet = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppDefaultAlphabet", "UTF8"));
         assertTrue(alphabet.getMessage().contains("smppDefaultAlphabet"), alphabet.getMessage());
      }
   }

   @Test
   void aValueBelowItsMinimumIsRaisedAndTheLogSaysSo(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start(); LogCapture log = LogCapture.start()) {
         assertEquals(1, create(broker, "smppWindowSize", "0").getSmppWindowSize());
         assertEquals(1, log.count("WARN", "smppWindowSize=0", "minimum", "1 is used"), () -> log.lines("smppWindowSize").toString());
         assertEquals(30_000, create(broker, "smppResponseTimeout", "30000").getSmppResponseTimeout());
         assertEquals(0, log.count("smppResponseTimeout"), "nothing said of a value that is used as written");
      }
   }

   /**
    * A broker whose acceptor URL has a value that is no number does not run it with 0 in its place, nor run without
    * that acceptor (the broker's own answer to an acceptor it cannot create, with a WARN among the start's lines): it
    * does not start, with an ERROR naming the parameter, as with a broken sms-gateway.conf.
    */
   @Test
   void aBrokerWhoseAcceptorHasAValueThatIsNoNumberDoesNotStart(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, ";smppResponseTimeout=30sec").start()) {
         assertFalse(broker.server().isStarted(), "the broker does not start");
         assertNull(broker.server().getRemotingService().getAcceptor("smpp"), "no SMPP acceptor with a 1 ms timeout");
         assertEquals(1, log.count("The broker does not start", "smppResponseTimeout=30sec is not valid", "30s, 500ms"),
                      () -> log.lines("smppResponseTimeout").toString());
      }
   }

   @Test
   void anAcceptorWithADurationWithAUnitTakesConnections(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, ";smppResponseTimeout=30s;smppEnquireLinkInterval=30s").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new io.smsgw.smpp.codec.EnquireLink(1));
         assertTrue(client.read() instanceof io.smsgw.smpp.codec.EnquireLinkResp);
      }
   }

   /**
    * An smppSystemId longer than SMPP's 15 characters used to be taken, and then every bind got generic_nack
    * ESME_RSYSERR (its bind_resp could not be written): the broker now does not start, naming the parameter.
    */
   @Test
   void aSystemIdLongerThan15CharactersStopsTheStartAnd15AreWhatBindsAreAnsweredWith(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir.resolve("long"), ";smppSystemId=GW-BEIJING-00001").start()) {
         assertFalse(broker.server().isStarted(), "the broker does not start");
         assertEquals(1, log.count("The broker does not start", "smppSystemId=GW-BEIJING-00001 is not valid", "at most 15 characters", "got 16"),
                      () -> log.lines("smppSystemId").toString());
      }
      try (TestBroker broker = TestBroker.smpp(dir.resolve("ok"), ";smppSystemId=GW-BEIJING-0001").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new io.smsgw.smpp.codec.BindRequest(1, io.smsgw.smpp.codec.BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         io.smsgw.smpp.codec.BindResponse response = org.junit.jupiter.api.Assertions.assertInstanceOf(io.smsgw.smpp.codec.BindResponse.class, client.read());
         assertEquals(0, response.commandStatus());
         assertEquals("GW-BEIJING-0001", response.systemId());
      }
   }

   /** smppDefaultAlphabet=gsm-7 used to stop the start with "No enum constant ...": the message now lists what is allowed. */
   @Test
   void aWrongDefaultAlphabetIsRefusedListingTheAllowedOnes(@TempDir Path dir) throws Exception {
      try (TestBroker broker = TestBroker.smpp(dir, "").start()) {
         IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppDefaultAlphabet", "gsm-7"));
         assertTrue(wrong.getMessage().contains("smppDefaultAlphabet=gsm-7 is not valid: smppDefaultAlphabet must be GSM7, ASCII or LATIN1"),
                    wrong.getMessage());
         assertFalse(wrong.getMessage().contains("enum"), wrong.getMessage());
         IllegalArgumentException ucs2 = assertThrows(IllegalArgumentException.class, () -> create(broker, "smppDefaultAlphabet", "UCS2"));
         assertTrue(ucs2.getMessage().contains("GSM7, ASCII or LATIN1"), ucs2.getMessage());
         assertEquals("LATIN1", create(broker, "smppDefaultAlphabet", "latin1").getSmppDefaultAlphabet());
      }
   }

   /**
    * A CMPP parameter on an acceptor that serves only SMPP (cmppWindowSize next to protocols=SMPP) used to be ignored
    * without a word, while the README promised a WARN for parameters nothing reads: one WARN at start names it.
    */
   @Test
   void aCmppParameterOnAnSmppOnlyAcceptorIsNamedInOneWarn(@TempDir Path dir) throws Exception {
      try (LogCapture log = LogCapture.start();
           TestBroker broker = TestBroker.smpp(dir, ";cmppWindowSize=16;smppWindowSize=4").start()) {
         assertTrue(broker.server().isStarted());
         assertEquals(1, log.count("WARN", "'cmppWindowSize' is a CMPP parameter", "does not serve CMPP (protocols=SMPP)", "ignored"),
                      () -> log.lines("cmppWindowSize").toString());
         assertEquals(0, log.count("WARN", "smppWindowSize"), "nothing said of its own parameters");
      }
   }
}
