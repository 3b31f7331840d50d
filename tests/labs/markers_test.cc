// tests/labs/markers_test.cc — the lab marker rules (labs/grading/markers.h) on small texts:
// what counts as a marker, what is unbalanced, what counts as drift, what lab-sync writes.
#include "labs/grading/markers.h"

#include <gtest/gtest.h>

#include <string>

namespace osn::grading {
namespace {

const std::string kReference =
    "int a;\n"
    "// [lab 01] begin: the sum\n"
    "int sum() { return 1 + 2; }\n"
    "// [lab 01] end\n"
    "int b;\n"
    "  // [lab 02] begin: another lab's part\n"
    "  int other = 2;\n"
    "  // [lab 02] end\n"
    "// [lab 01] begin: the product\n"
    "int product() { return 2 * 3; }\n"
    "// [lab 01] end\n";

const std::string kStarter =
    "int a;\n"
    "// [lab 01] begin: the sum\n"
    "int sum() { return 0; }  // TODO(lab 01)\n"
    "// [lab 01] end\n"
    "int b;\n"
    "  // [lab 02] begin: another lab's part\n"
    "  int other = 2;\n"
    "  // [lab 02] end\n"
    "// [lab 01] begin: the product\n"
    "int product() { return 0; }  // TODO(lab 01)\n"
    "// [lab 01] end\n";

TEST(LabMarkers, BalancedMarkersOfSeveralLabsPass) {
  EXPECT_EQ(check_markers(kReference), "");
  EXPECT_EQ(check_markers("no markers at all\n"), "");
}

TEST(LabMarkers, AnEndWithoutABeginIsNamedWithItsLine) {
  EXPECT_EQ(check_markers("x\n// [lab 03] end\n"), "line 2: [lab 03] end without a begin");
}

TEST(LabMarkers, ABeginNeverClosedIsNamedWithItsLine) {
  EXPECT_EQ(check_markers("// [lab 03] begin: heap\nx\n"), "line 1: [lab 03] begin is never closed");
}

TEST(LabMarkers, RegionsDoNotNestOrCloseAnotherLabsRegion) {
  EXPECT_NE(check_markers("// [lab 03] begin: a\n// [lab 04] begin: b\n// [lab 04] end\n// [lab 03] end\n")
                .find("line 2: [lab 04] begin inside the region of lab 03"),
            std::string::npos);
  EXPECT_NE(check_markers("// [lab 03] begin: a\n// [lab 04] end\n").find("line 2: [lab 04] end closes"),
            std::string::npos);
}

TEST(LabMarkers, AMisspelledMarkerIsRefusedNotIgnored) {
  EXPECT_NE(check_markers("// [lab 3] begin: a\n").find("malformed"), std::string::npos);
  EXPECT_NE(check_markers("// [lab 03] begin a\n").find("malformed"), std::string::npos);
  EXPECT_NE(check_markers("// [lab 03] ends\n").find("malformed"), std::string::npos);
}

TEST(LabMarkers, SplitKeepsMarkerLinesOutsideAndOtherLabsAsText) {
  LabRegions r = split_regions(kReference, "01");
  ASSERT_EQ(r.inside.size(), 2u);
  ASSERT_EQ(r.outside.size(), 3u);
  EXPECT_EQ(r.inside[0], "int sum() { return 1 + 2; }\n");
  EXPECT_EQ(r.inside[1], "int product() { return 2 * 3; }\n");
  EXPECT_EQ(r.outside[0], "int a;\n// [lab 01] begin: the sum\n");
  EXPECT_NE(r.outside[1].find("int other = 2;"), std::string::npos) << "lab 02's region is outside for lab 01";
  std::string joined;
  for (size_t i = 0; i < r.outside.size(); ++i) joined += r.outside[i] + (i < r.inside.size() ? r.inside[i] : "");
  EXPECT_EQ(joined, kReference);
}

TEST(LabMarkers, AStarterThatChangesOnlyItsRegionsHasNotDrifted) {
  EXPECT_EQ(compare_outside(kReference, kStarter, "01"), "");
}

TEST(LabMarkers, AChangeOutsideTheRegionsIsDriftWithBothLineNumbers) {
  std::string drifted = kStarter;
  drifted.replace(drifted.find("int b;"), 6, "int c;");
  EXPECT_EQ(compare_outside(kReference, drifted, "01"),
            "outside the regions, reference line 5 / starter line 5 differ:\n"
            "  reference: int b;\n  starter:   int c;");
}

TEST(LabMarkers, ChangingAnotherLabsRegionIsDriftForThisLab) {
  std::string drifted = kStarter;
  drifted.replace(drifted.find("int other = 2;"), 14, "int other = 0;");
  EXPECT_NE(compare_outside(kReference, drifted, "01"), "");
}

TEST(LabMarkers, AMissingRegionOrNoRegionAtAllIsReported) {
  std::string one_region = kStarter.substr(0, kStarter.find("// [lab 01] begin: the product"));
  EXPECT_NE(compare_outside(kReference, one_region, "01").find("2 [lab 01] regions, the starter 1"), std::string::npos);
  EXPECT_NE(compare_outside(kReference, kStarter, "05").find("no [lab 05] region"), std::string::npos);
}

TEST(LabMarkers, SyncTakesTheReferenceOutsideAndKeepsTheStartersInside) {
  std::string drifted = kStarter;
  drifted.replace(drifted.find("int a;"), 6, "int old_a;");
  std::string reference = kReference;
  reference.replace(reference.find("the sum"), 7, "the new sum");
  std::string error;
  std::string synced = sync_starter(reference, drifted, "01", &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(compare_outside(reference, synced, "01"), "");
  EXPECT_NE(synced.find("return 0; }  // TODO(lab 01)"), std::string::npos);
  EXPECT_NE(synced.find("// [lab 01] begin: the new sum"), std::string::npos);
  EXPECT_EQ(synced.find("old_a"), std::string::npos);
}

TEST(LabMarkers, SyncRefusesDifferentRegionCounts) {
  std::string error;
  EXPECT_EQ(sync_starter(kReference, "int a;\n", "01", &error), "");
  EXPECT_NE(error.find("sync it by hand"), std::string::npos);
}

}  // namespace
}  // namespace osn::grading
