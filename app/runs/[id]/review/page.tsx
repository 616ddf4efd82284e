import type { Metadata } from "next";
import { ReviewList } from "@/components/wizard/review-list";

export const metadata: Metadata = { title: "Check your answers" };

export default function ReviewPage() {
  return <ReviewList />;
}
