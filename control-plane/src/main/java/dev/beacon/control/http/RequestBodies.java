package dev.beacon.control.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import io.javalin.http.Context;
import java.io.IOException;

/** Strict JSON request bodies for every admin route: unknown fields and bad JSON are 400s. */
public final class RequestBodies {

    private static final ObjectMapper JSON = ApiJson.mapper();

    private RequestBodies() {}

    public static <T> T read(Context ctx, Class<T> type) {
        try {
            T value = JSON.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(ctx.bodyAsBytes());
            if (value == null) {
                throw new IllegalArgumentException("the request body is empty");
            }
            return value;
        } catch (PropertyBindingException e) {
            throw new IllegalArgumentException("the request body has an unknown field '" + e.getPropertyName() + "'");
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body (which can hold a client secret): only say where it broke.
            var at = e.getLocation();
            throw new IllegalArgumentException("the request body is not valid JSON for " + type.getSimpleName()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("the request body could not be read");
        }
    }
}
