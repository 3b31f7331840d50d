// labs/05-http-parsing/grader/split_check.h — every case through the parser under every split.
//
// The parser must give the same result however the bytes arrive. A case is fed whole, one byte
// at a time, cut in two at every offset, and cut at random places; each call's bytes sit
// against a guard page, so reading one byte past the input crashes the check instead of going
// unseen. Results are described as one string (tests/support/http_outcome.h):
// "POST / 1.1 Transfer-Encoding=chunked ka body=hello trailer T=1\nend", "error 400", ...
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "http/message.h"

namespace osn::grading::lab05 {

struct Case {
  std::string name;
  std::string input;
  std::string expected;
};

// Random ascending cut offsets inside (0, size): a handful, or many.
std::vector<std::size_t> random_cuts(std::size_t size);

// "" when the case gives `expected` whole, byte by byte, at every two-piece cut and at
// `random_splits` random multi-piece cuts; otherwise what went wrong, naming the split.
// (`every_two_piece_cut` false: skip those, for inputs too long to cut at every offset.)
std::string check_every_split(const Case& c, const http::ParserLimits& limits = {}, int random_splits = 10,
                              bool every_two_piece_cut = true);

// ADD_FAILURE for every case of the table that fails check_every_split.
void expect_table(const std::vector<Case>& table, const http::ParserLimits& limits = {}, int random_splits = 10);

// Well-formed requests with fields, trailers and chunked bodies that every answer must accept.
// A check of rejections calls this first, so that rejecting everything scores nothing there.
void expect_well_formed_requests_accepted();

// Random pieces for inputs that cannot be learned by heart.
std::string random_token(std::size_t min_len, std::size_t max_len);
std::string random_ows();                       // "", " ", "\t \t", ...
std::string random_field_value();               // no leading/trailing SP/HTAB; may hold obs-text
std::string random_bytes(std::size_t n);        // any byte 0..255 (chunk data)
std::string random_hex(std::uint64_t value);    // random case, random leading zeros

}  // namespace osn::grading::lab05
