import type { Metadata } from "next";
import { ReverifyPanel } from "@/components/wizard/reverify-panel";
import { ReviewList } from "@/components/wizard/review-list";

export const metadata: Metadata = { title: "Check your answers" };

export default function ReviewPage() {
  return (
    <div className="space-y-8">
      <ReviewList />
      <ReverifyPanel />
    </div>
  );
}
