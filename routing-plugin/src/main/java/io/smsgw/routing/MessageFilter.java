package io.smsgw.routing;

import java.util.Map;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.selector.filter.Filterable;

/**
 * A broker {@link Filter} that decides in code, on the message itself, for the queue scans routing runs (moving
 * waiting messages on): it matches no management map, and {@link #getFilterString()} only names it in the broker's
 * logs.
 */
abstract class MessageFilter implements Filter {

   private final SimpleString description;

   MessageFilter(String description) {
      this.description = SimpleString.of(description);
   }

   @Override
   public abstract boolean match(Message message);

   @Override
   public final boolean match(Map<String, String> map) {
      return false;
   }

   @Override
   public final boolean match(Filterable filterable) {
      return filterable instanceof Message message && match(message);
   }

   @Override
   public final SimpleString getFilterString() {
      return description;
   }
}
