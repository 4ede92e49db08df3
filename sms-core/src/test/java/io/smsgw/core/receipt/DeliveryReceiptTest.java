package io.smsgw.core.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryReceiptTest {

   /** short_message of the deliver_sm receipt vectors in protocols.md §3.2. */
   private static final String VECTOR =
      "id:a1b2c3d4 sub:001 dlvrd:001 submit date:2511261345 done date:2511261346 stat:DELIVRD err:000 text:Hello";

   private static DeliveryReceipt parsed(String text) {
      Optional<DeliveryReceipt> receipt = DeliveryReceipt.parse(text);
      assertTrue(receipt.isPresent(), () -> "not parsed: " + text);
      return receipt.get();
   }

   @Test
   void parsesTheSharedVector() {
      DeliveryReceipt receipt = parsed(VECTOR);
      assertEquals("a1b2c3d4", receipt.id());
      assertEquals(1, receipt.submitted());
      assertEquals(1, receipt.delivered());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 45), receipt.submitDate());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46), receipt.doneDate());
      assertEquals(DeliveryState.DELIVRD, receipt.state());
      assertEquals("000", receipt.error());
      assertEquals("Hello", receipt.text());
   }

   @Test
   void formatsTheSharedVectorByteForByte() {
      DeliveryReceipt receipt = new DeliveryReceipt("a1b2c3d4", 1, 1, LocalDateTime.of(2025, 11, 26, 13, 45),
         LocalDateTime.of(2025, 11, 26, 13, 46), DeliveryState.DELIVRD, "000", "Hello");
      assertEquals(VECTOR, receipt.format());
      assertEquals(receipt, parsed(receipt.format()));
   }

   @Test
   void parsesTheCloudhopperReceiptWithPunctuationInText() {
      DeliveryReceipt receipt = parsed(
         "id:0059113978 sub:001 dlvrd:001 submit date:1002101730 done date:1002101731 stat:DELIVRD err:000 text:@$#!%&/:");
      assertEquals("0059113978", receipt.id());
      assertEquals(LocalDateTime.of(2010, 2, 10, 17, 30), receipt.submitDate());
      assertEquals("@$#!%&/:", receipt.text());
   }

   @Test
   void acceptsTwelveDigitDatesWithSeconds() {
      DeliveryReceipt receipt = parsed(
         "id:77 sub:001 dlvrd:000 submit date:251126134530 done date:251126134612 stat:UNDELIV err:013 text:x");
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 45, 30), receipt.submitDate());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46, 12), receipt.doneDate());
      assertEquals(DeliveryState.UNDELIV, receipt.state());
      assertEquals("013", receipt.error());
      assertEquals(0, receipt.delivered());
   }

   @Test
   void acceptsCapitalisedKeysAndTheSpecsTextSpelling() {
      DeliveryReceipt receipt = parsed(
         "ID:abc SUB:001 DLVRD:001 Submit Date:2511261345 DONE DATE:2511261346 Stat:delivered Err:000 Text:Hi there");
      assertEquals("abc", receipt.id());
      assertEquals(DeliveryState.DELIVRD, receipt.state());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46), receipt.doneDate());
      assertEquals("Hi there", receipt.text());
   }

   @Test
   void readsFieldsAfterATextThatIsNotLast() {
      DeliveryReceipt receipt = parsed("id:A1 sub:001 dlvrd:001 submit date:2511261345 done date:2511261346 "
                                       + "text:Hello there stat:DELIVRD err:000");
      assertEquals(DeliveryState.DELIVRD, receipt.state());
      assertEquals("000", receipt.error());
      assertEquals("Hello there", receipt.text());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46), receipt.doneDate());

      receipt = parsed("id:9 err:011 smsc:xyz sub:001 text:hi you imsi:460001 stat:UNDELIV vendor-x:1 dlvrd:000");
      assertEquals(DeliveryState.UNDELIV, receipt.state());
      assertEquals("011", receipt.error());
      assertEquals("hi you", receipt.text());
      assertEquals(1, receipt.submitted());
   }

   @Test
   void aTextThatOnlyMentionsKeysStaysText() {
      assertEquals("call stat:now please", parsed("id:1 stat:DELIVRD text:call stat:now please").text(), "stat already read");
      assertEquals("a stat:b", parsed("id:1 stat:DELIVRD text:a stat:b").text(), "a key the receipt has is text");
      assertEquals("my stat:ok is fine", parsed("id:1 text:my stat:ok is fine stat:DELIVRD").text());
      assertEquals(DeliveryState.DELIVRD, parsed("id:1 text:my stat:ok is fine stat:DELIVRD").state());
      assertEquals("see you at 10:30 ok", parsed("id:1 stat:ACCEPTD text:see you at 10:30 ok").text());
   }

   @Test
   void readsUpperCaseKeysAndUnderscoresInTheDateKeys() {
      DeliveryReceipt receipt = parsed(
         "ID:0A1b SUB:001 DLVRD:001 SUBMIT_DATE:2511261345 DONE_DATE:2511261346 STAT:DELIVRD ERR:000 TEXT:x");
      assertEquals("0A1b", receipt.id());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 45), receipt.submitDate());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46), receipt.doneDate());
      assertEquals(DeliveryState.DELIVRD, receipt.state());
      assertNull(parsed("id:1 done__date:2511261346 stat:DELIVRD").doneDate(), "one underscore only");
   }

   @Test
   void toleratesExtraSpacesEverywhere() {
      DeliveryReceipt receipt = parsed(
         "  id:abc   sub:001  dlvrd:001 submit  date:2511261345\tdone date: 2511261346 stat :EXPIRED err: text: two  words ");
      assertEquals("abc", receipt.id());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 45), receipt.submitDate());
      assertEquals(LocalDateTime.of(2025, 11, 26, 13, 46), receipt.doneDate());
      assertEquals(DeliveryState.EXPIRED, receipt.state());
      assertNull(receipt.error(), "'err: text:' is an empty err, not err=text:");
      assertEquals(" two  words ", receipt.text());
   }

   @Test
   void missingOptionalFieldsAreAbsent() {
      DeliveryReceipt receipt = parsed("id:123 stat:REJECTD");
      assertEquals("123", receipt.id());
      assertEquals(DeliveryState.REJECTD, receipt.state());
      assertEquals(0, receipt.submitted());
      assertEquals(0, receipt.delivered());
      assertNull(receipt.submitDate());
      assertNull(receipt.doneDate());
      assertNull(receipt.error());
      assertNull(receipt.text());
   }

   @Test
   void withoutTextFieldTheReceiptStillParses() {
      DeliveryReceipt receipt = parsed("id:9 sub:001 dlvrd:001 submit date:2511261345 done date:2511261346 stat:DELIVRD err:000");
      assertNull(receipt.text());
      assertEquals("000", receipt.error());
   }

   @Test
   void unknownVendorFieldsAreSkipped() {
      DeliveryReceipt receipt = parsed("id:9 smsc:abc sub:001 dlvrd:001 stat:DELIVRD err:000 nack:none text:ok");
      assertEquals(DeliveryState.DELIVRD, receipt.state());
      assertEquals("ok", receipt.text());
   }

   @Test
   void acceptsSixtyFourCharacterIdsAndRejectsLonger() {
      String id64 = "x".repeat(64);
      assertEquals(id64, parsed("id:" + id64 + " stat:DELIVRD").id());
      assertTrue(DeliveryReceipt.parse("id:" + id64 + "y stat:DELIVRD").isEmpty());
   }

   @Test
   void unreadableDatesAndCountsBecomeAbsent() {
      DeliveryReceipt receipt = parsed(
         "id:1 sub:abc dlvrd:0000000001234 submit date:2513261345 done date:25112613 stat:DELIVRD");
      assertEquals(0, receipt.submitted());
      assertEquals(0, receipt.delivered());
      assertNull(receipt.submitDate(), "month 13");
      assertNull(receipt.doneDate(), "8 digits");
      assertNull(parsed("id:1 submit date:2502291200 stat:DELIVRD").submitDate(), "2025 is not a leap year");
      assertEquals(LocalDateTime.of(2024, 2, 29, 12, 0), parsed("id:1 submit date:2402291200 stat:DELIVRD").submitDate());
      assertEquals(1999, parsed("id:1 submit date:9912311200 stat:DELIVRD").submitDate().getYear());
   }

   @Test
   void unknownStatWordGivesUnknownState() {
      assertEquals(DeliveryState.UNKNOWN, parsed("id:1 stat:MB:0001 err:001").state());
      assertEquals(DeliveryState.UNKNOWN, parsed("id:1 stat: err:001").state());
   }

   @Test
   void textThatIsNotAReceiptGivesEmpty() {
      assertTrue(DeliveryReceipt.parse(null).isEmpty());
      assertTrue(DeliveryReceipt.parse("").isEmpty());
      assertTrue(DeliveryReceipt.parse("   ").isEmpty());
      assertTrue(DeliveryReceipt.parse("Hello, see you at 10:30").isEmpty());
      assertTrue(DeliveryReceipt.parse("hello id:1 stat:DELIVRD").isEmpty(), "must start with a receipt key");
      assertTrue(DeliveryReceipt.parse("id:1 sub:001 dlvrd:001").isEmpty(), "no stat");
      assertTrue(DeliveryReceipt.parse("sub:001 stat:DELIVRD").isEmpty(), "no id");
      assertTrue(DeliveryReceipt.parse("id: stat:DELIVRD").isEmpty(), "empty id");
      assertTrue(DeliveryReceipt.parse("id:").isEmpty());
      assertTrue(DeliveryReceipt.parse("idx:1 stat:DELIVRD").isEmpty());
      assertTrue(DeliveryReceipt.parse("text:id:1 stat:DELIVRD").isEmpty(), "text swallows the rest");
      assertTrue(DeliveryReceipt.parse("\0\0\0").isEmpty());
   }

   @Test
   void trailingNulTerminatorIsNotPartOfText() {
      assertEquals("Hello", parsed(VECTOR + "\0").text());
   }

   @Test
   void formatKeepsOnlyTheFirstTwentyCharactersOfText() {
      DeliveryReceipt receipt = new DeliveryReceipt("1", 1, 1, null, null, DeliveryState.DELIVRD, "000",
         "This message is longer than twenty characters");
      assertEquals("id:1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:This message is long", receipt.format());
   }

   @Test
   void formatDoesNotSplitASurrogatePair() {
      String text = "a".repeat(19) + "\uD83D\uDE00tail";
      DeliveryReceipt receipt = new DeliveryReceipt("1", 1, 1, null, null, DeliveryState.DELIVRD, null, text);
      assertEquals("id:1 sub:001 dlvrd:001 stat:DELIVRD text:" + "a".repeat(19), receipt.format());
   }

   @Test
   void formatPadsCountsAndWritesMinutePrecisionDates() {
      DeliveryReceipt receipt = new DeliveryReceipt("ff", 12, 0, LocalDateTime.of(2031, 1, 2, 3, 4, 59),
         LocalDateTime.of(2031, 1, 2, 3, 5), DeliveryState.ENROUTE, "000", null);
      assertEquals("id:ff sub:012 dlvrd:000 submit date:3101020304 done date:3101020305 stat:ENROUTE err:000 text:",
         receipt.format());
   }

   @Test
   void invalidValuesAreRejectedAtConstruction() {
      assertThrows(IllegalArgumentException.class,
         () -> new DeliveryReceipt("", 1, 1, null, null, DeliveryState.DELIVRD, null, null));
      assertThrows(IllegalArgumentException.class,
         () -> new DeliveryReceipt("a b", 1, 1, null, null, DeliveryState.DELIVRD, null, null));
      assertThrows(IllegalArgumentException.class,
         () -> new DeliveryReceipt("x".repeat(65), 1, 1, null, null, DeliveryState.DELIVRD, null, null));
      assertThrows(IllegalArgumentException.class,
         () -> new DeliveryReceipt("1", -1, 1, null, null, DeliveryState.DELIVRD, null, null));
      assertThrows(IllegalArgumentException.class,
         () -> new DeliveryReceipt("1", 1, 1, null, null, DeliveryState.DELIVRD, "0 0", null));
      assertThrows(NullPointerException.class,
         () -> new DeliveryReceipt("1", 1, 1, null, null, null, null, null));
   }
}
