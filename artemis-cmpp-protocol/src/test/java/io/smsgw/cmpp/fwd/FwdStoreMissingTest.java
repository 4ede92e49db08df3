package io.smsgw.cmpp.fwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.cmpp.gns.CmppSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway whose FWD links ran before and whose forward records ({@code <data>/sms-fwd-forwards}) are gone (broker
 * data restored or moved without them, only the journal on a persistent volume) does not start with an empty store,
 * which would answer every report FWD on an MT forwarded before with Result 9: an ERROR names the store, what is lost
 * and how to recover, and the broker does not start until the store is restored or the loss is accepted by deleting
 * the journal's {@code sms-fwd-forwards.created}. A first start and an upgrade (a store, no marker yet) are quiet.
 */
class FwdStoreMissingTest {

   private static final String A = "001001";
   private static final String B = "020001";
   private static final String ERROR_PART = "forward records";

   @TempDir
   Path dir;

   private Path data() {
      return dir.resolve("a");
   }

   private Path store() {
      return data().resolve("sms-fwd-forwards");
   }

   private Path marker() {
      return data().resolve("journal").resolve("sms-fwd-forwards.created");
   }

   private PeerBroker startA(ServerSocket peer) throws Exception {
      return PeerBroker.start(data(), A, PeerBroker.freePort(), B, peer.getLocalPort(), "");
   }

   /** The broker starts and its FWD link to B connects (the peer answers its CONNECT). */
   private void startsAndLinks(ServerSocket peer) throws Exception {
      try (PeerBroker a = startA(peer); CmppSocket link = PeerBroker.acceptLink(peer, A)) {
         assertTrue(a.server().isStarted());
         assertTrue(Files.exists(store()), "the forward records' store");
      }
   }

   private static void delete(Path directory) throws IOException {
      try (Stream<Path> files = Files.walk(directory)) {
         for (Path each : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(each);
         }
      }
   }

   private static void copy(Path from, Path to) throws IOException {
      try (Stream<Path> files = Files.walk(from)) {
         for (Path each : files.toList()) {
            Files.copy(each, to.resolve(from.relativize(each).toString()));
         }
      }
   }

   /** The one ERROR line names the store and the marker, what is lost and both ways out; nothing was created. */
   private void startIsRefused(ServerSocket peer, LogCapture log) throws Exception {
      try (PeerBroker a = startA(peer)) {
         assertFalse(a.server().isStarted(), "the broker does not start with empty forward records");
      }
      List<String> errors = log.lines("ERROR", ERROR_PART, store().toString());
      assertEquals(1, errors.size(), () -> log.lines(ERROR_PART).toString());
      String error = errors.get(0);
      assertTrue(error.contains("missing"), error);
      assertTrue(error.contains("Result 9"), error);
      assertTrue(error.contains("restore"), error);
      assertTrue(error.contains(marker().toString()), error);
      assertFalse(Files.exists(store()), "no empty store created");
      assertTrue(Files.exists(marker()), "still refused at the next start");
   }

   @Test
   void aMissingStoreStopsTheStartUntilTheLossIsAcceptedByDeletingTheMarker() throws Exception {
      try (ServerSocket peer = new ServerSocket(0); LogCapture log = LogCapture.start()) {
         peer.setSoTimeout(15_000);
         startsAndLinks(peer);
         assertTrue(Files.exists(marker()), "the first start marks the journal");
         assertEquals(List.of(), log.lines("ERROR", ERROR_PART), "a first start is quiet");

         delete(store());
         startIsRefused(peer, log);

         Files.delete(marker());
         startsAndLinks(peer);
         assertTrue(Files.exists(marker()), "marked again: a later loss is caught too");
         assertEquals(1, log.count("ERROR", ERROR_PART, store().toString()), "nothing more said once accepted");
      }
   }

   @Test
   void aRestoredStoreStartsAgain() throws Exception {
      try (ServerSocket peer = new ServerSocket(0); LogCapture log = LogCapture.start()) {
         peer.setSoTimeout(15_000);
         startsAndLinks(peer);
         Path backup = dir.resolve("backup");
         Files.createDirectories(backup);
         copy(store(), backup.resolve("sms-fwd-forwards"));
         delete(store());
         startIsRefused(peer, log);

         Files.move(backup.resolve("sms-fwd-forwards"), store());
         startsAndLinks(peer);
         assertEquals(1, log.count("ERROR", ERROR_PART, store().toString()), "said once, at the refused start");
      }
   }

   /** A store from a gateway that wrote no marker yet (an upgrade): it is marked, quietly. */
   @Test
   void aStoreWithoutAMarkerIsMarkedQuietly() throws Exception {
      try (ServerSocket peer = new ServerSocket(0); LogCapture log = LogCapture.start()) {
         peer.setSoTimeout(15_000);
         startsAndLinks(peer);
         Files.deleteIfExists(marker());
         startsAndLinks(peer);
         assertTrue(Files.exists(marker()));
         assertEquals(List.of(), log.lines("ERROR", ERROR_PART));
      }
   }
}
