// Non-variadic wrappers around libcurl's variadic calls, which Swift cannot call directly.
// One wrapper per argument type, not per option (STYLE §3).
#ifndef ROSTERSYNC_CCURL_SHIM_H
#define ROSTERSYNC_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode rs_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rs_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rs_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rs_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode rs_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// `curl_global_init(CURL_GLOBAL_ALL)`; the flag macro is a composite Swift does not import.
static inline CURLcode rs_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

typedef size_t (*rs_write_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*rs_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode rs_setopt_write_function(CURL *handle, CURLoption option, rs_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode rs_setopt_progress_function(CURL *handle, rs_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode rs_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode rs_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Limits requests and redirects to the given protocols ("http,https"); falls back to the
/// bitmask options on libcurl older than 7.85.0.
static inline CURLcode rs_set_protocols(CURL *handle, const char *protocols, const char *redirectProtocols, long mask, long redirectMask) {
#if LIBCURL_VERSION_NUM >= 0x075500
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, protocols);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, redirectProtocols);
#else
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PROTOCOLS, mask);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS, redirectMask);
#endif
}

#endif
