"""The pure domain: libraries, activities, periods, rubric, KPI and awards."""
