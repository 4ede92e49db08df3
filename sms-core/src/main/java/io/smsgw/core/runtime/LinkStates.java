package io.smsgw.core.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which SMSC links are bound right now. The links report here; routing reads it to fail over from a link
 * that is down to another link of the same route.
 */
public final class LinkStates {

   private final Set<String> up = ConcurrentHashMap.newKeySet();

   public void up(String linkId) {
      up.add(linkId);
   }

   public void down(String linkId) {
      up.remove(linkId);
   }

   public boolean isUp(String linkId) {
      return up.contains(linkId);
   }
}
